"""When two usernames are the same name: equal after Unicode compatibility normalisation
(NFKC) and case folding. 'Alice', 'ALICE' and 'ａｌｉｃｅ' (full-width) would be one person to a
clinician reading a list, so only one of them may exist."""

from __future__ import annotations

import unicodedata

from django.contrib.auth import get_user_model


def username_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def similar_username(name: str) -> str | None:
    """An existing username that is the same name as `name` without being `name` itself."""
    key = username_key(name)
    # Compatibility forms cannot be compared in SQL; a clinic's accounts fit in one pass.
    usernames = get_user_model().objects.values_list("username", flat=True)
    for existing in usernames.iterator():
        if existing != name and username_key(existing) == key:
            return existing
    return None
