from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "orgs.unit.view": _("See the hierarchy and organization cards"),
    "orgs.unit.manage": _(
        "Create, change, move, open and close organizations and territorial units"
    ),
    "orgs.attribute.manage": _(
        "Change the attribute catalogue and attribute values of organizations"
    ),
}
