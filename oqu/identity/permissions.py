from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "identity.account.view": _("See user accounts"),
    "identity.account.manage": _("Create, change, block and delete user accounts; reset passwords"),
}

VIEW = "identity.account.view"
MANAGE = "identity.account.manage"
