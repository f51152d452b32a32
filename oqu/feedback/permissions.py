from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "feedback.survey.view": _("See surveys and their aggregated results"),
    "feedback.survey.manage": _("Create, open and close surveys"),
    "feedback.survey.respond": _("Answer surveys addressed to one's role or class"),
    "feedback.faq.manage": _("Edit the frequently asked questions"),
}
