from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "equeue.application.view": _("See queue applications, their history and positions"),
    "equeue.application.apply": _("Put a child in the preschool queue and answer directions"),
    "equeue.allocation.run": _("Publish preschool places and run the allocation"),
    "equeue.priority.confirm": _("Confirm or reject a claimed priority against its documents"),
    "equeue.direction.enrol": _("See directions to the preschool and enrol the children"),
}
