from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "testing.bank.view": _("See the question bank and the interim control tests"),
    "testing.bank.manage": _("Maintain the question bank and set interim control tests"),
    "testing.result.view": _("See test attempts, results and proctoring events"),
    "testing.attempt.take": _("Take interim control tests set for one's own class"),
    "testing.class.all": _(
        "Set and see interim control tests and their results for every class, "
        "not only the class-subjects one teaches"
    ),
}
