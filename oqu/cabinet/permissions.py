from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "cabinet.learner.view": _(
        "Open the learner's cabinet: today's lessons, marks, attendance, homework and timetable"
    ),
}
