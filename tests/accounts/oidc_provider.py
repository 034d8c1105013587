"""A small OpenID Connect provider for the tests, on 127.0.0.1 only: discovery, authorization
(approves at once as `identity`), token (an RS256 ID token signed with a key made here, PKCE
checked), userinfo and JWKS. Codes and access tokens are single-use and random, so a test can
check that none of them reaches a log line."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "stimdiary-test"
CLIENT_SECRET = "test-client-secret-" + "x7Kq"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class LocalProvider:
    # Claims of the person who "signs in" next (userinfo, and `sub` in the ID token).
    identity: dict[str, Any] = field(default_factory=dict)
    # Added to, or replacing, the ID token's claims: amr, acr, a forged nonce, another aud...
    id_token_claims: dict[str, Any] = field(default_factory=dict)
    # Sign the ID token with a key the JWKS does not publish.
    sign_with_other_key: bool = False
    # Answer the authorization request with this error instead of a code.
    refuse_with: str = ""
    issued: list[str] = field(default_factory=list)  # codes and tokens, for the log check
    sessions_ended: list[str] = field(default_factory=list)  # where each log-out went back to
    key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    kid: str = "test-key-1"

    def __post_init__(self) -> None:
        self._codes: dict[str, dict[str, Any]] = {}
        self._access: dict[str, dict[str, Any]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def discovery(self) -> dict[str, Any]:
        base = self.base_url
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # --- the endpoints -------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> str:
        """Where the browser goes next: back to redirect_uri with a code (or an error)."""
        redirect_uri = query["redirect_uri"]
        if self.refuse_with:
            answer = {"error": self.refuse_with, "state": query.get("state", "")}
            return f"{redirect_uri}?{urlencode(answer)}"
        assert query["client_id"] == CLIENT_ID and query["response_type"] == "code"
        code = secrets.token_urlsafe(24)
        self.issued.append(code)
        self._codes[code] = {
            "redirect_uri": redirect_uri,
            "nonce": query.get("nonce"),
            "challenge": query.get("code_challenge"),
            "identity": dict(self.identity),
        }
        return f"{redirect_uri}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self._codes.pop(form.get("code", ""), None)  # single use
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("client_id") != CLIENT_ID
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != grant["redirect_uri"]
            or not _pkce_matches(form.get("code_verifier", ""), grant["challenge"])
        ):
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": self.base_url,
            "sub": grant["identity"]["sub"],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **self.id_token_claims,
        }
        key = _new_key() if self.sign_with_other_key else self.key
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(24)
        self._access[access_token] = grant["identity"]
        self.issued += [id_token, access_token]
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def end_session(self, query: dict[str, str]) -> str:
        """RP-initiated log-out: the provider's session ends; the browser goes back to the
        client's post_logout_redirect_uri."""
        assert query["client_id"] == CLIENT_ID
        self.sessions_ended.append(query["post_logout_redirect_uri"])
        return query["post_logout_redirect_uri"]

    def userinfo(self, authorization: str) -> tuple[int, dict[str, Any]]:
        token = authorization.removeprefix("Bearer ")
        if token not in self._access:
            return 401, {"error": "invalid_token"}
        return 200, self._access[token]


def _pkce_matches(verifier: str, challenge: str | None) -> bool:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return challenge is not None and base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == (
        challenge
    )


def _handler_for(provider: LocalProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, provider.discovery())
            elif url.path == "/jwks":
                self._json(200, provider.jwks())
            elif url.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", provider.authorize(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif url.path == "/logout":
                self.send_response(302)
                self.send_header("Location", provider.end_session(query))
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif url.path == "/userinfo":
                self._json(*provider.userinfo(self.headers.get("Authorization", "")))
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                self._json(*provider.token(form))
            else:
                self._json(404, {"error": "not_found"})

    return Handler


# --- the browser's side, with Django's test client -------------------------------------------

HOSPITAL_NAME = "St Example Hospital"


def configure(settings: Any, provider: LocalProvider) -> None:
    """The settings config/settings.py builds from the OIDC_* environment variables."""
    base = provider.base_url
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = HOSPITAL_NAME
    settings.OIDC_OP_ISSUER = base
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS, "accounts.oidc.HospitalAccountBackend",
    ]


def start_sign_in(client: Any, provider: LocalProvider, next_url: str = "") -> str:
    """Press "Sign in with ..." on the log-in page and let the provider approve: the callback
    URL (path and query) the provider sends the browser back to."""
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    page = client.get(f"/accounts/login/{query}")
    assert page.status_code == 200
    found = re.search(r'id="hospital-sign-in"\s+href="([^"]+)"', page.content.decode())
    assert found, "the log-in page has no hospital sign-in button"
    to_provider = client.get(html.unescape(found[1]))
    assert to_provider.status_code == 302
    assert to_provider["Location"].startswith(f"{provider.base_url}/authorize?")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    assert callback.netloc == "testserver" and callback.path == "/accounts/oidc/callback/"
    return f"{callback.path}?{callback.query}"


def sign_in_with_hospital(client: Any, provider: LocalProvider, next_url: str = "") -> Any:
    """The whole sign-in, redirects followed inside the app: the last response."""
    return client.get(start_sign_in(client, provider, next_url), follow=True)
