from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "school.structure.view": _("See academic years, periods, subjects and the curriculum"),
    "school.structure.manage": _("Change academic years, periods, subjects and the curriculum"),
    "school.class.view": _("See classes, their learners and teacher assignments"),
    "school.class.manage": _("Form classes, move learners and assign teachers"),
    "school.timetable.view": _("See the timetable, lessons of a date and substitutions"),
    "school.timetable.manage": _(
        "Edit the timetable, rooms and bells, generate lessons and arrange substitutions"
    ),
}
