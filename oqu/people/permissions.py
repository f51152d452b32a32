from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "people.person.view": _("See people and their personal data"),
    "people.person.manage": _("Register people and change their personal data"),
    "people.enrolment.view": _("See enrolments"),
    "people.enrolment.manage": _("Enrol, transfer and expel learners"),
    "people.employment.view": _("See staff positions"),
    "people.employment.manage": _("Hire staff and end employment"),
    "people.guardianship.view": _("See parents and legal representatives"),
    "people.guardianship.manage": _("Record parents and legal representatives"),
}

ACTIONS |= {
    "people.restricted.view": _("See restricted personal data (health, social status, disability)"),
    "people.restricted.manage": _("Record and change restricted personal data"),
}
