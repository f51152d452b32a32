from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "profiles.teacher.view": _("See teachers' digital profiles"),
    "profiles.teacher.manage": _("Change teachers' digital profiles and confirm their courses"),
    "profiles.course.propose": _("Propose a professional development course for one's own profile"),
    "profiles.learner.view": _("See learners' digital profiles"),
    "profiles.learner.manage": _("Change learners' digital profiles"),
    "profiles.load.view": _("See and export the teaching load of a school's teachers"),
}
