from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "analytics.learning.view": _(
        "See learning analytics (quality of knowledge, success, attendance) of a unit's classes"
    ),
    "analytics.learning.view_own": _(
        "See learning analytics of the classes one teaches or leads as homeroom teacher"
    ),
}
