"""A fake of Twilio's REST API (Messages, Calls) at the HTTP level, for tests.

Shapes follow Twilio's documented resources: `POST /2010-04-01/Accounts/{Sid}/Messages.json`
(form fields To, From, Body, StatusCallback) answers 201 with a Message resource whose sid
starts `SM` and status is `queued`; `Calls.json` creates a call (`CA...`), `Calls/{Sid}.json`
updates one (Twiml or Url). Errors use Twilio's JSON error body
`{"code", "message", "more_info", "status"}`; requests need HTTP basic auth with the account
SID and auth token. Failures can be arranged: a 429 with Retry-After, error 21610 for an
unsubscribed number, 21211 for an invalid one, 500s. Everything received is recorded.
`serving(app)` runs it on a real uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

API = "/2010-04-01/Accounts/{account_sid}"


@dataclass
class Failure:
    """An arranged failure: the HTTP status, Twilio code, and optional Retry-After."""

    status: int
    code: int
    message: str
    retry_after: int | None = None


@dataclass
class TwilioState:
    """What the fake knows and has received."""

    account_sid: str
    auth_token: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    call_updates: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    """Every request: method, path, form (including refused ones)."""
    unsubscribed: set[str] = field(default_factory=set)
    invalid: set[str] = field(default_factory=set)
    fail_next: list[Failure] = field(default_factory=list)
    """Failures returned, in order, for the next Messages/Calls create requests."""

    def rate_limit_next(self, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` creates answer 429 (error 20429) with Retry-After."""
        self.fail_next.extend(
            Failure(429, 20429, "Too Many Requests", retry_after) for _ in range(times)
        )

    def server_error_next(self, times: int = 1) -> None:
        """The next `times` creates answer 500."""
        self.fail_next.extend(Failure(500, 20500, "Internal Server Error") for _ in range(times))


def _error(status: int, code: int, message: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status_code=status,
        headers=headers,
    )


def _authorised(request: Request, state: TwilioState, account_sid: str) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return False
    return user == state.account_sid == account_sid and secrets.compare_digest(
        password, state.auth_token
    )


def _segments(body: str) -> int:
    ucs2 = any(ord(c) > 0x7F and c not in "£¥èéùìòÇØøÅåÄÖÑÜäöñüàÉßÆæ¡¿§" for c in body)
    single, multi = (70, 67) if ucs2 else (160, 153)
    return 1 if len(body) <= single else -(-len(body) // multi)


def create_twilio_fake(
    account_sid: str = "AC" + "0" * 32,
    auth_token: str = "fake-auth-token",  # noqa: S107 (a test double's own token)
) -> tuple[FastAPI, TwilioState]:
    """The fake app and its state."""
    state = TwilioState(account_sid, auth_token)
    app = FastAPI()

    async def gate(
        request: Request, account_sid: str
    ) -> tuple[dict[str, str], JSONResponse | None]:
        form = {k: str(v) for k, v in (await request.form()).multi_items()}
        state.requests.append(
            {"method": request.method, "path": request.url.path, "form": form, "at": time.time()}
        )
        if not _authorised(request, state, account_sid):
            return form, _error(401, 20003, "Authenticate")
        return form, None

    def arranged() -> JSONResponse | None:
        if state.fail_next:
            f = state.fail_next.pop(0)
            return _error(f.status, f.code, f.message, f.retry_after)
        return None

    @app.post(API + "/Messages.json")
    async def create_message(request: Request, account_sid: str) -> JSONResponse:
        form, refused = await gate(request, account_sid)
        if refused:
            return refused
        to, from_, body = form.get("To"), form.get("From"), form.get("Body")
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not from_:
            return _error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return _error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return _error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        failure = arranged()
        if failure:
            return failure
        if to in state.invalid:
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if to in state.unsubscribed:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        sid = "SM" + secrets.token_hex(16)
        now = formatdate(usegmt=False)
        resource = {
            "account_sid": account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": from_,
            "messaging_service_sid": None,
            "num_media": "0",
            "num_segments": str(_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "queued",
            "to": to,
            "status_callback": form.get("StatusCallback"),
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"
            },
            "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
        }
        state.messages.append(resource)
        return JSONResponse(
            {k: v for k, v in resource.items() if k != "status_callback"}, status_code=201
        )

    @app.post(API + "/Calls.json")
    async def create_call(request: Request, account_sid: str) -> JSONResponse:
        form, refused = await gate(request, account_sid)
        if refused:
            return refused
        if not form.get("To"):
            return _error(400, 21201, "No 'To' number is specified")
        if not form.get("From"):
            return _error(400, 21213, "No 'From' number is specified")
        if not (form.get("Url") or form.get("Twiml") or form.get("ApplicationSid")):
            return _error(400, 21205, "Url parameter is required.")
        failure = arranged()
        if failure:
            return failure
        sid = "CA" + secrets.token_hex(16)
        resource = {
            "account_sid": account_sid,
            "api_version": "2010-04-01",
            "sid": sid,
            "to": form["To"],
            "from": form["From"],
            "status": "queued",
            "direction": "outbound-api",
            "date_created": formatdate(),
            "date_updated": formatdate(),
            "start_time": None,
            "end_time": None,
            "duration": None,
            "parent_call_sid": None,
            "uri": f"/2010-04-01/Accounts/{account_sid}/Calls/{sid}.json",
        }
        state.calls[sid] = {
            **resource,
            "twiml": form.get("Twiml"),
            "url": form.get("Url"),
            "status_callback": form.get("StatusCallback"),
        }
        return JSONResponse(resource, status_code=201)

    @app.post(API + "/Calls/{call_sid}.json")
    async def update_call(request: Request, account_sid: str, call_sid: str) -> JSONResponse:
        form, refused = await gate(request, account_sid)
        if refused:
            return refused
        call = state.calls.get(call_sid)
        if call is None:
            return _error(
                404,
                20404,
                f"The requested resource /2010-04-01/Accounts/"
                f"{account_sid}/Calls/{call_sid}.json was not found",
            )
        if call["status"] == "completed":
            return _error(400, 21220, "Call is not in-progress. Cannot redirect.")
        state.call_updates.append({"sid": call_sid, **form})
        call.update(
            {"twiml": form.get("Twiml", call["twiml"]), "url": form.get("Url", call["url"])}
        )
        if form.get("Status") == "completed":
            call["status"] = "completed"
        return JSONResponse(
            {k: v for k, v in call.items() if k not in ("twiml", "url", "status_callback")}
        )

    return app, state


@contextlib.contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Run `app` on a real uvicorn on 127.0.0.1 (a free port); yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("fake Twilio did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
