from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "access.role.view": _("See roles and their capabilities"),
    "access.role.manage": _("Create and change roles"),
    "access.grant.view": _("See who holds which role"),
    "access.grant.manage": _("Give and withdraw roles"),
}
