from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "pki.verification.view": _("See the signature verifications of the organization"),
}
