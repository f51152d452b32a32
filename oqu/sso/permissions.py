from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "sso.client.manage": _("Register digital resources for single sign-on and set their policies"),
}
