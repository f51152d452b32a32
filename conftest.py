"""Repository-wide pytest setup: Hypothesis profiles and the browser Playwright launches."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

# scripts/test sets HYPOTHESIS_PROFILE=ci: fewer examples, no deadline on a busy 2-core machine, and no
# example database left behind in the working tree.
hypothesis_settings.register_profile("ci", max_examples=50, deadline=None, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Playwright's sync API keeps an event loop running in the main thread from the first browser test to
# the end of the session; Django would then refuse every ORM call of this and later tests as "async".
# The suite is synchronous code driven from one thread, so the check is switched off for tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium (apt `chromium`); Playwright's own browser downloads are never used."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
