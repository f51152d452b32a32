from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "preschool.group.view": _("See age groups, their children and free places"),
    "preschool.group.manage": _("Form age groups, enrol children and move them between groups"),
}

ACTIONS |= {
    "preschool.child.view": _("See a preschool child's profile, statuses, guardians and photos"),
    "preschool.child.manage": _("Record a preschool child's social and educational statuses"),
    "preschool.medical.view": _("See a preschool child's medical statuses (restricted data)"),
    "preschool.medical.manage": _("Record a preschool child's medical statuses (restricted data)"),
    "preschool.attendance.view": _("See the attendance journal and the monthly attendance table"),
    "preschool.attendance.mark": _("Mark the daily attendance of a group"),
    "preschool.schedule.manage": _("Plan the organized activities of a group"),
    "preschool.photo.manage": _("Add and remove photos of children's creative works"),
    "preschool.catalogue.view": _("Read the catalogue of programs and methodological materials"),
    "preschool.catalogue.manage": _("Publish programs and methodological materials"),
}
