"""System check: every role in the database names only declared capabilities."""

from typing import Any

from django.core.checks import Error, register
from django.db import DatabaseError


@register("oqu")
def check_role_capabilities(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from .capabilities import all_capabilities
    from .models import Role

    declared = all_capabilities()
    errors = []
    try:
        roles = list(Role.objects.values_list("code", "capabilities"))
    except DatabaseError:
        return []  # not migrated yet
    for code, capabilities in roles:
        unknown = sorted(set(capabilities) - set(declared))
        if unknown:
            errors.append(
                Error(
                    f"Role {code} names undeclared capabilities: {', '.join(unknown)}",
                    id="oqu.E001",
                )
            )
    return errors
