from django.utils.translation import gettext_lazy as _

# A holder of the view / write capabilities without `manage` reaches only the
# class-subjects they teach (the assignment's teacher, or the lesson's teacher for a lesson they
# substitute); `manage` reaches every class-subject of the school and reopens lessons.
ACTIONS = {
    "journal.class_journal.view": _("See the class journals of the class-subjects one teaches"),
    "journal.class_journal.write": _(
        "Fill attendance and marks in the journals of one's class-subjects"
    ),
    "journal.class_journal.manage": _(
        "See and fill every class journal of the school, reopen lessons after the edit window"
    ),
}
