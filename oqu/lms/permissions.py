from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "lms.homework.view": _("See homework, submissions and the overdue lists"),
    "lms.homework.manage": _("Set homework for one's own lessons and check the submissions"),
    "lms.homework.submit": _("Submit one's own homework"),
    "lms.plan.view": _("Read the lesson plans colleagues share"),
    "lms.plan.review": _("Read every lesson plan of the school"),
    "lms.plan.manage": _("Write one's own lesson plans and attach them to lessons"),
    "lms.distance.view": _("See a lesson's video conference, class chat and announcements"),
    "lms.distance.manage": _(
        "Run one's own distance lessons: the conference link, announcements, chat moderation"
    ),
    "lms.distance.post": _("Write in the class chat of one's own lessons"),
}
