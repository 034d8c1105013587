from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.accounts.oidc_provider import LocalProvider, configure


@pytest.fixture
def hospital(settings) -> Iterator[LocalProvider]:
    """The hospital's identity provider, running on 127.0.0.1, and StimDiary configured for it."""
    provider = LocalProvider().start()
    configure(settings, provider)
    yield provider
    provider.stop()
