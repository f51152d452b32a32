"""Fixtures of the web tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _keep_active_language() -> Iterator[None]:
    """Give later tests back the language that was active before.

    A request through LocaleMiddleware (or a sign-in, which applies the account's language) leaves
    its language active in the thread; modeltranslation's `name` then mirrors it in tests that
    follow.
    """
    language = translation.get_language()
    yield
    translation.activate(language)
