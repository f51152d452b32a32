from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "preschool.group.view": _("See age groups, their children and free places"),
    "preschool.group.manage": _("Form age groups, enrol children and move them between groups"),
}
