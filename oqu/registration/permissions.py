from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "registration.link.confirm": _("Confirm or reject parents' requests to be linked to a learner"),
}
