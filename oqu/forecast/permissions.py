from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "forecast.demand.view": _("See the forecast of demand for preschool places of a territory"),
}
