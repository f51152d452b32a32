from django.utils.translation import gettext_lazy as _

from oqu.kernel.errors import DomainError


class Throttled(DomainError):
    """Too many attempts in a window: answered as HTTP 429."""

    status = 429
    code = "throttled"
    default_message = _("Too many requests: wait a little and try again.")
