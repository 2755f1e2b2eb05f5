"""Twilio webhook security: `X-Twilio-Signature` checked with Twilio's own algorithm.

The URL Twilio signed is rebuilt from `ASSIST_PUBLIC_URL` + the request path and query, so
the check is right behind a TLS-terminating proxy, where the scheme, host and port this
process sees differ from what Twilio requested (TWILIO.md, "Webhook security").
"""

from __future__ import annotations

import base64
import functools
import hmac
import logging
import re
from hashlib import sha1
from typing import Annotated
from urllib.parse import parse_qsl, urlparse

from fastapi import Depends, HTTPException, Request
from twilio.request_validator import RequestValidator, add_port, remove_port

from assist.settings import Settings

log = logging.getLogger(__name__)
DEV_AUTH_TOKEN = "dev-twilio-auth-token"  # noqa: S105 - local simulator only, not production
SID_FORMATS = {
    "MessageSid": re.compile(r"^(SM|MM)[0-9a-f]{32}$"),
    "SmsSid": re.compile(r"^(SM|MM)[0-9a-f]{32}$"),
    "CallSid": re.compile(r"^CA[0-9a-f]{32}$"),
    "AccountSid": re.compile(r"^AC[0-9a-f]{32}$"),
}
"""Twilio's identifiers have fixed shapes; a signed form whose characters were moved between
adjacent parameters (the signature joins names and values without separators) breaks them."""


def auth_token(settings: Settings) -> str:
    """The token webhooks are signed with: the configured one, or the local development one.

    In development with no Twilio account, the simulator and tests sign with
    `DEV_AUTH_TOKEN`; in production without a token every webhook is refused (403).
    """
    if settings.twilio_auth_token is not None:
        return settings.twilio_auth_token.get_secret_value()
    if settings.environment == "production":
        raise RuntimeError("ASSIST_TWILIO_AUTH_TOKEN is required in production")
    return DEV_AUTH_TOKEN


def public_url_for(settings: Settings, request: Request) -> str:
    """The URL Twilio requested, rebuilt from the public base URL."""
    url = settings.public_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    return url


def sid_problem(settings: Settings, params: dict[str, str]) -> str | None:
    """Why a signed form's identifiers cannot be Twilio's, or None when they can: each SID
    in its format, and the AccountSid the configured one (when one is configured)."""
    for name, shape in SID_FORMATS.items():
        if name in params and not shape.match(params[name]):
            return f"malformed {name}"
    expected = settings.twilio_account_sid
    if expected and params.get("AccountSid") != expected:
        return "another AccountSid"
    return None


def sign(settings: Settings, url: str, params: dict[str, str]) -> str:
    """The signature Twilio would send for this URL and form (for the simulator and tests)."""
    return str(RequestValidator(auth_token(settings)).compute_signature(url, params))


@functools.lru_cache(maxsize=512)
def _url_forms(url: str) -> tuple[str, str]:
    """The URL without and with its port, as Twilio's validator tries them."""
    parsed = urlparse(url)
    return remove_port(parsed), add_port(parsed)


def signature_valid(token: str, url: str, params: dict[str, str], signature: str) -> bool:
    """Twilio's check of `X-Twilio-Signature` for a form (what `RequestValidator.validate`
    answers): the base64 HMAC-SHA1, keyed by the token, of the URL (without its port, or
    with it) followed by each name and value, sorted by name. Written out because the
    validator's dictionary handling raised and caught two exceptions per field, twice."""
    fields = "".join(name + params[name] for name in sorted(params))
    given = signature.encode("utf-8")
    key = token.encode("utf-8")
    for candidate in _url_forms(url):
        mac = hmac.new(key, (candidate + fields).encode("utf-8"), sha1)
        if hmac.compare_digest(base64.b64encode(mac.digest()), given):
            return True
    return False


FORM_FIELDS_MAX = 1000
"""Starlette's own limits on a form; a body that could pass either is left to Starlette,
which answers it as it always did (400)."""
FORM_BYTES_MAX = 1024 * 1024


async def form_params(request: Request) -> dict[str, str]:
    """The request's form fields (the last value of a repeated name), as Starlette's
    `request.form()` reads them. Twilio posts `application/x-www-form-urlencoded`: that body
    is split here directly (a tenth of python-multipart's cost, which parses it byte by byte
    through callbacks); anything else goes through Starlette."""
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        body = await request.body()
        if len(body) < FORM_BYTES_MAX and body.count(b"&") < FORM_FIELDS_MAX:
            # Starlette decodes the bytes as latin-1, then unquote_plus (UTF-8, replace)
            return dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))
    form = await request.form()
    return {k: str(v) for k, v in form.multi_items()}


async def verified_form(request: Request) -> dict[str, str]:
    """The webhook's form parameters, after checking its signature (403 if wrong or missing)."""
    settings: Settings = request.app.state.settings
    params = await form_params(request)
    signature = request.headers.get("X-Twilio-Signature", "")
    if settings.twilio_auth_token is None and settings.environment == "production":
        log.warning(
            "refused a webhook on %s: ASSIST_TWILIO_AUTH_TOKEN is not set", request.url.path
        )
        raise HTTPException(status_code=403)
    if not signature or not signature_valid(
        auth_token(settings), public_url_for(settings, request), params, signature
    ):
        log.warning("refused a webhook with a bad or missing signature on %s", request.url.path)
        raise HTTPException(status_code=403)
    problem = sid_problem(settings, params)
    if problem is not None:
        log.warning("refused a signed webhook on %s: %s", request.url.path, problem)
        raise HTTPException(status_code=403)
    return params


TwilioForm = Annotated[dict[str, str], Depends(verified_form)]
