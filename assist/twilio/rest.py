"""Twilio's REST API (texts, live calls), async, with provider errors mapped to typed outcomes.

TwilioSendError                 a REST call to Twilio failed
├── PermanentSendError          will never succeed as sent: do not retry
│   └── Unsubscribed            21610: the recipient replied STOP (flag the number)
└── TemporarySendError          rate limited (429, 20429) or Twilio failing (5xx): retry later,
                                after `retry_after_s` when Twilio said (Retry-After)

The official `twilio` library builds every request, so what goes over the wire is exactly
what it sends; its blocking calls run in a worker thread (STYLE.md: no blocking I/O in
`async def`). A small `HttpClient` subclass sends requests meant for `https://api.twilio.com`
to `settings.twilio_api_base_url` instead, so tests can point the library at a local fake,
and it remembers each response's headers so `Retry-After` survives into the error.
Error codes from Twilio's error dictionary (https://www.twilio.com/docs/api/errors).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from assist.settings import Settings

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
T = TypeVar("T")

UNSUBSCRIBED = 21610
"""Attempt to send to unsubscribed recipient (the number texted STOP)."""
PERMANENT_CODES: dict[int, str] = {
    21211: "invalid 'To' phone number",
    21214: "'To' phone number cannot be reached",
    21408: "permission to send to this region is not enabled",
    21610: "recipient has unsubscribed (replied STOP)",
    21612: "the 'To' number cannot receive messages from this 'From' number",
    21614: "'To' number is not a valid mobile number",
    21617: "message body exceeds the 1600 character limit",
    20404: "resource not found",
}
TEMPORARY_CODES: dict[int, str] = {
    20429: "too many requests",
    20003: "authentication failed (may be a key rotation in progress)",
    30001: "queue overflow",
}


class TwilioSendError(Exception):
    """A REST call to Twilio failed; `code` is Twilio's error code when it gave one."""

    def __init__(self, message: str, code: int | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class PermanentSendError(TwilioSendError):
    """The request can never succeed as made (bad number, unsubscribed, not allowed)."""


class Unsubscribed(PermanentSendError):
    """Error 21610: the recipient opted out with STOP; never text them until they opt in."""


class TemporarySendError(TwilioSendError):
    """Rate limited or Twilio failing: retry, after `retry_after_s` when known."""

    def __init__(
        self,
        message: str,
        code: int | None = None,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, code, status)
        self.retry_after_s = retry_after_s


def classify(
    status: int, code: int | None, message: str, retry_after: str | None = None
) -> TwilioSendError:
    """The typed error for a failed REST response (status, Twilio code, Retry-After header)."""
    after = _seconds(retry_after)
    if code == UNSUBSCRIBED:
        return Unsubscribed(message or PERMANENT_CODES[UNSUBSCRIBED], code, status)
    if code in TEMPORARY_CODES or status == 429 or status >= 500:
        return TemporarySendError(
            message or TEMPORARY_CODES.get(code or 0, "temporary"), code, status, after
        )
    if code in PERMANENT_CODES or 400 <= status < 500:
        return PermanentSendError(
            message or PERMANENT_CODES.get(code or 0, "refused"), code, status
        )
    return TemporarySendError(message or f"unexpected status {status}", code, status, after)


def _seconds(value: str | None) -> float | None:
    """Retry-After as seconds (Twilio sends delta-seconds), or None."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class RebasingHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """The library's HTTP client, sending api.twilio.com requests to another base URL.

    Remembers the last response per thread, so the caller can read `Retry-After`.
    """

    def __init__(self, base_url: str | None, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/") if base_url else None
        self.local = threading.local()

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Send the library's request (rebased when an override is set)."""
        if self.base_url and url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API) :]
        response: Response = super().request(method, url, *args, **kwargs)
        self.local.response = response
        return response

    def last_header(self, name: str) -> str | None:
        """A header of this thread's last response, or None."""
        response = getattr(self.local, "response", None)
        if response is None or not response.headers:
            return None
        for key, value in response.headers.items():
            if key.lower() == name.lower():
                return str(value)
        return None


class TwilioRest:
    """Async access to the Twilio REST calls Assist makes: send a text, create/update a call."""

    def __init__(self, settings: Settings, timeout_s: float = 10.0) -> None:
        self.settings = settings
        self.http = RebasingHttpClient(settings.twilio_api_base_url, timeout=timeout_s)
        self._client: Client | None = None

    @property
    def configured(self) -> bool:
        """True when an account SID and auth token are set."""
        return bool(self.settings.twilio_account_sid and self.settings.twilio_auth_token)

    def client(self) -> Client:
        """The library client (built on first use); raises RuntimeError without credentials."""
        if self._client is None:
            sid, token = self.settings.twilio_account_sid, self.settings.twilio_auth_token
            if not sid or token is None:
                raise RuntimeError("Twilio credentials are not configured")
            self._client = Client(
                sid, token.get_secret_value(), http_client=self.http, environment={}
            )
        return self._client

    async def send_sms(self, to: str, body: str, status_callback: str | None = None) -> str:
        """Send a text from the configured number; returns the message SID ("SM...").

        Raises Unsubscribed, PermanentSendError or TemporarySendError.
        """
        kwargs: dict[str, Any] = {
            "to": to,
            "from_": self.settings.twilio_phone_number,
            "body": body,
        }
        if status_callback:
            kwargs["status_callback"] = status_callback
        message = await self._run(lambda: self.client().messages.create(**kwargs))
        return str(message.sid)

    async def update_call(self, call_sid: str, twiml: str) -> None:
        """Replace what a live call is doing with new TwiML (e.g. a hold update, a dial)."""
        await self._run(lambda: self.client().calls(call_sid).update(twiml=twiml))

    async def create_call(
        self,
        to: str,
        from_: str,
        url: str | None = None,
        twiml: str | None = None,
        status_callback: str | None = None,
    ) -> str:
        """Start an outbound call (a callback) with a TwiML URL or TwiML; returns the call SID."""
        if (url is None) == (twiml is None):
            raise ValueError("give exactly one of url and twiml")
        kwargs: dict[str, Any] = {"to": to, "from_": from_}
        if url is not None:
            kwargs["url"] = url
        if twiml is not None:
            kwargs["twiml"] = twiml
        if status_callback:
            kwargs["status_callback"] = status_callback
        call = await self._run(lambda: self.client().calls.create(**kwargs))
        return str(call.sid)

    async def _run(self, call: Callable[[], T]) -> T:
        def guarded() -> T:
            try:
                return call()
            except TwilioRestException as exc:
                raise classify(
                    int(exc.status), exc.code, str(exc.msg), self.http.last_header("Retry-After")
                ) from exc
            except OSError as exc:  # connection refused, reset, timed out
                raise TemporarySendError(f"Twilio unreachable: {type(exc).__name__}") from exc

        return await anyio.to_thread.run_sync(guarded)
