from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "eservices.application.view": _("See the e-service applications addressed to an organization"),
    "eservices.application.decide": _("Take e-service applications through their statuses"),
    "eservices.application.apply": _("Apply for an e-service for oneself or one's child"),
}
