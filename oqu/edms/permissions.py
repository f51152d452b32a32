from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "edms.document.view": _("See the documents of an organization and search them"),
    "edms.document.manage": _(
        "Create, register, route, assign, send and archive the documents of an organization"
    ),
    "edms.document.approve": _("Approve, reject or return documents at route steps"),
    "edms.document.sign": _("Sign documents at the route steps that need the head's signature"),
    "edms.monitor.view": _("Monitor the execution of documents: the overdue list"),
    "edms.archive.export": _("Export the full document archive of an organization"),
}
