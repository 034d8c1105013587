from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Insights writes its sentences in the active language, and a test request with
    Accept-Language (tests/i18n) leaves its language active in the thread: each test here
    starts in the default language, as a request without a preference does."""
    with translation.override(settings.LANGUAGE_CODE):
        yield
