from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "ops.integrity.view": _("See the integrity checks of the installed files"),
    "ops.integrity.run": _("Run an integrity check of the installed files"),
}
