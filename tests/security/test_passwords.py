"""Django's password validators are on: short, common, numeric and name-like passwords are
refused by every form that sets a password (they all call validate_password)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "12345678901", "alice.smith.2025"],
    ids=["too-short", "common", "all-digits", "like-the-user-name"],
)
def test_weak_passwords_are_refused(password: str, db) -> None:
    user = User(username="alice.smith", first_name="Alice", email="alice.smith@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


def test_a_long_passphrase_is_accepted(db) -> None:
    user = User(username="alice.smith")
    validate_password("violet harbour stepping lantern", user=user)
