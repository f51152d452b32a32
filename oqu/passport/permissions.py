from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "passport.child.view": _("See a child's passport: the path from preschool to school"),
}
