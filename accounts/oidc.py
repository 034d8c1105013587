"""Sign-in with the hospital's accounts (OpenID Connect), for clinicians and staff only.

mozilla-django-oidc runs the authorization code flow (state, nonce, PKCE, the ID token's
signature against the provider's keys); this module adds what StimDiary decides: the ID token's
issuer and audience, who may sign in this way (never a patient, never an account it would have
to create), how an identity finds its user (by `sub`, linked once by email), and whether the
provider's own second factor stands for StimDiary's. Nothing here logs a token, a code or a
claim's value: a refusal is logged by its reason only.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import jwt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.audit import audit_account_event
from accounts.models import HospitalIdentity
from diary.access import role_of

logger = logging.getLogger(__name__)

# What the log-in page says after a refusal (accounts.views.HospitalCallbackView).
ACCOUNT_REFUSED = _(
    "This hospital account cannot sign in to StimDiary. Signing in with the hospital's account "
    "is for clinicians and staff whose StimDiary account the clinic has linked to it: ask the "
    "clinic's StimDiary administrator. Patients log in with their user name and password."
)
# Translators: %(provider)s is the hospital's identity provider, for example "Hospital ID".
SIGN_IN_FAILED = _("The sign-in with %(provider)s could not be completed. Please try again.")
# Set on the request by the backend when it refuses the account itself (not the answer).
REFUSAL_ATTRIBUTE = "hospital_sign_in_refusal"
# Set on the user the backend returns: the provider asked for a second factor (see below).
TWO_FACTOR_ATTRIBUTE = "hospital_two_factor"


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def provider_log_out_url(request: HttpRequest) -> str:
    """Where log-out sends the browser after a hospital sign-in: the provider's end-session
    endpoint (OpenID Connect RP-Initiated Logout 1.0), which ends the provider's own session
    and sends the browser back to StimDiary's log-in page. Empty when the endpoint is not
    configured. It names the client, not the user: no ID token is kept in the session."""
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    if not (oidc_enabled() and endpoint):
        return ""
    query = urlencode({
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGIN_URL)),
    })
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def axes_leaves_alone(request: HttpRequest, credentials: dict | None = None) -> bool:
    """AXES_WHITELIST_CALLABLE: the callback is no password guess, and axes would store its
    query string (the authorization code) with a failure."""
    return request.path == reverse("accounts:oidc-callback")


def may_sign_in_with_hospital_account(user: Any) -> bool:
    """Active clinicians and staff; a user with a patient record never, whatever else it is."""
    if not user.is_active or hasattr(user, "patient"):
        return False
    return role_of(user) in {"clinician", "staff"}


def provider_two_factor(id_token_claims: dict[str, Any]) -> bool:
    """The ID token says the provider asked for more than a password: an `amr` value in
    OIDC_MFA_AMR_VALUES (RFC 8176: mfa, otp, hwk) or an `acr` value in OIDC_MFA_ACR_VALUES."""
    amr = id_token_claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.OIDC_MFA_AMR_VALUES):
        return True
    acr = id_token_claims.get("acr")
    return isinstance(acr, str) and acr in settings.OIDC_MFA_ACR_VALUES


def check_id_token_claims(claims: dict[str, Any]) -> None:
    """OpenID Connect Core 3.1.3.7 beyond the signature and nonce the library checks: the
    token is from our issuer, for us, and says when it ends and whom it is about."""
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    client_id = settings.OIDC_RP_CLIENT_ID
    if claims.get("iss") != settings.OIDC_OP_ISSUER:
        raise SuspiciousOperation("ID token from another issuer")
    if client_id not in audiences or claims.get("azp", client_id) != client_id:
        raise SuspiciousOperation("ID token for another client")
    if "exp" not in claims or not claims.get("sub"):
        raise SuspiciousOperation("ID token without exp or sub")


def hospital_identity_sign_in(
    *, issuer: str, subject: str, email: str, email_verified: Any, request: HttpRequest | None
) -> User | None:
    """The user this identity signs in as, or None when it may not sign in. A known `sub`
    finds its linked user; an unknown one is linked to the one active clinician or staff user
    with its (not unverified) email address when OIDC_LINK_BY_EMAIL is on, audited; otherwise
    refused. No user is ever created."""
    identity = (
        HospitalIdentity.objects.select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        identity = _link_by_email(
            issuer=issuer, subject=subject, email=email, email_verified=email_verified,
            request=request,
        )
        if identity is None:
            return None
    user = identity.user
    if not may_sign_in_with_hospital_account(user):
        logger.info("Hospital sign-in refused: the linked account is not a clinician or staff.")
        return None
    HospitalIdentity.objects.filter(pk=identity.pk).update(last_sign_in_at=timezone.now())
    return user


def _link_by_email(
    *, issuer: str, subject: str, email: str, email_verified: Any, request: HttpRequest | None
) -> HospitalIdentity | None:
    if not settings.OIDC_LINK_BY_EMAIL:
        logger.info("Hospital sign-in refused: unknown identity (linking by email is off).")
        return None
    if not email or email_verified is False:
        logger.info("Hospital sign-in refused: unknown identity without a verified email.")
        return None
    users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(users) != 1 or not may_sign_in_with_hospital_account(users[0]):
        logger.info("Hospital sign-in refused: no one clinician or staff account has the email.")
        return None
    user = users[0]
    if HospitalIdentity.objects.filter(issuer=issuer, user=user).exists():
        # The account is linked to another identity at this provider: a reused address.
        logger.info("Hospital sign-in refused: the account is linked to another identity.")
        return None
    try:
        with transaction.atomic():
            identity = HospitalIdentity.objects.create(user=user, issuer=issuer, subject=subject)
            audit_account_event(
                user=user, request=request, what="hospital_identity_linked",
                change=("hospital sign-in", "not linked", "linked by email"),
            )
    except IntegrityError:
        # Two first sign-ins at the same moment: the other one linked it; this one is
        # refused and the next try finds the link.
        return None
    return identity


class HospitalAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with StimDiary's rules. It authenticates only the
    callback's code; usernames and passwords stay with ModelBackend (through axes)."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view's call, made after it checked the state and carrying that
        # state's nonce: a password log-in posted to a URL with ?code=...&state=... is not one.
        if request is None or "nonce" not in kwargs:
            return None
        if request.path != reverse("accounts:oidc-callback"):
            return None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: int) -> Any:
        # The library's get_user forgets is_active: a deactivated user's session ends here,
        # as ModelBackend ends a password session.
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _verify_jws(self, payload: str, key: Any) -> dict:
        try:
            return super()._verify_jws(payload, key)
        except jwt.PyJWTError as exc:
            # Expired, not yet valid, malformed: the library turns only a bad signature into
            # a refusal; every other reason is one too.
            raise SuspiciousOperation(f"ID token rejected ({type(exc).__name__})") from None

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        check_id_token_claims(payload)
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload["sub"]:
            # OpenID Connect Core 5.3.2: userinfo about someone else is not to be used.
            raise SuspiciousOperation("userinfo about another subject")
        user = hospital_identity_sign_in(
            issuer=payload["iss"],
            subject=payload["sub"],
            email=claims.get("email") or "",
            email_verified=claims.get("email_verified"),
            request=self.request,
        )
        if user is None:
            setattr(self.request, REFUSAL_ATTRIBUTE, ACCOUNT_REFUSED)
            return None
        setattr(user, TWO_FACTOR_ATTRIBUTE, provider_two_factor(payload))
        return user

    def describe_user_by_claims(self, claims: dict) -> str:
        return "an identity"  # never the email address in a log line
