from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "audit.journal.view": _("See the action journal and failed access attempts"),
    "audit.signin.unlock": _("Release a sign-in lock before it ends"),
    "audit.dbms.view": _("See the DBMS event journal"),
}
