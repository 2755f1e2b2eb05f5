"""The handoff JSON API under `/api/handoff/`: the console is one of its clients.

Authentication is the console's session cookie; every state-changing request must carry
the session's CSRF token in the `X-CSRF-Token` header. Errors: 401 not signed in, 403
wrong role or CSRF, 404 no such entry, 409 the entry's state does not allow it, 422 bad
input, 429 too many failed logins.
"""

import asyncio
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable
from dataclasses import asdict
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from assist.backend_client import report_notes
from assist.backend_client.protocol import (
    REPORT_SERVICES,
    BackendError,
    InvalidRequest,
    NotFound,
    OutsideArea,
)
from assist.handoff import agents as agents_mod
from assist.handoff import auth, floods, for_citizen, plain, reads, replies, stats
from assist.handoff.entries import Conflict, Entry, EntryNotFound
from assist.handoff.queue import add_note
from assist.handoff.web import OUTCOMES, Console, ConsoleDep, security_headers
from assist.store import core

T = TypeVar("T")
EVENTS_MAX_S = 300.0
"""An event stream ends after this long; browsers reconnect by themselves."""


class LoginBody(BaseModel):
    """Credentials for a new console session."""

    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class PresenceBody(BaseModel):
    """Signing in to (or out of) the queue, with skills such as `social_care` or `lang:pl`."""

    available: bool
    skills: list[str] = Field(default_factory=list, max_length=20)


class TextBody(BaseModel):
    """A reply or a note."""

    text: str = Field(min_length=1, max_length=1000)


class CloseBody(BaseModel):
    """How a conversation ended."""

    outcome: str = Field(description=f"One of {', '.join(OUTCOMES)}.")
    notes: str = Field("", max_length=2000)


class HandBackBody(BaseModel):
    """Notes when handing back to the assistant."""

    notes: str = Field("", max_length=2000)


class TransferBody(BaseModel):
    """Where a conversation goes: another agent or a skill queue (exactly one)."""

    to_agent: str | None = None
    to_skill: str | None = None


class AddressChoice(BaseModel):
    """An address picked from `GET .../addresses?postcode=` (both fields from that list)."""

    postcode: str = Field(max_length=10)
    address_id: str = Field(max_length=80)


class ReportBody(BaseModel):
    """A problem report filed for the citizen (the same payload the assistant files).

    Give `address` (from the postcode look-up) or `location` in words; a missed bin needs
    `address` and `bin`. `description` defaults to "Missed <colour> bin" for missed bins.
    """

    service: str = Field(description=f"One of {', '.join(REPORT_SERVICES)}.")
    description: str = Field("", max_length=for_citizen.MAX_DESCRIPTION)
    address: AddressChoice | None = None
    location: str = Field("", max_length=for_citizen.MAX_LOCATION)
    bin: str = Field("", description=f"For missed_bin: one of {', '.join(for_citizen.BINS)}.")


class ReportNoteBody(BaseModel):
    """New information for a report made earlier (its Assist or council reference)."""

    reference: str = Field(min_length=3, max_length=40)
    text: str = Field(min_length=1, max_length=2000)


class RemindersBody(BaseModel):
    """Start (`address` required) or stop bin-day reminders texted to the citizen's number."""

    start: bool
    address: AddressChoice | None = None


async def answered(console: Console, call: Awaitable[Entry]) -> dict[str, Any]:
    """Await a queue call on one entry (errors as HTTP errors, see `guarded`); returns the
    entry as it now stands, as JSON."""
    return entry_json(await guarded(call), console.clock())


async def guarded(call: Awaitable[T]) -> T:
    """Await a queue call, translating its errors into HTTP errors."""
    try:
        return await call
    except EntryNotFound as exc:
        raise HTTPException(404, "no such entry") from exc
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    except (NotFound, OutsideArea, InvalidRequest) as exc:  # the council's answer, not a fault
        status = 404 if isinstance(exc, NotFound) else 422
        raise HTTPException(status, f"council services: {type(exc).__name__}") from exc
    except BackendError as exc:
        raise HTTPException(502, f"council services: {type(exc).__name__}") from exc


def entry_json(entry: Entry, now: float) -> dict[str, Any]:
    """An entry with everything staff need (context packet included)."""
    return entry.to_json(now)


def create_api_router() -> APIRouter:
    """The `/api/handoff` router; routes get the `Console` through `Depends`."""
    router = APIRouter(prefix="/api/handoff", tags=["handoff"])

    async def staff(console: ConsoleDep, request: Request, response: Response) -> auth.Staff:
        security_headers(response)
        who = await console.staff(request)
        if who is None:
            raise HTTPException(401, "sign in first")
        return who

    async def staff_csrf(
        request: Request, who: Annotated[auth.Staff, Depends(staff)]
    ) -> auth.Staff:
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent, who.csrf):
            raise HTTPException(403, "missing or wrong CSRF token")
        return who

    async def supervisor(who: Annotated[auth.Staff, Depends(staff)]) -> auth.Staff:
        if not who.is_supervisor:
            raise HTTPException(403, "supervisors only")
        return who

    Staff = Annotated[auth.Staff, Depends(staff)]
    Acting = Annotated[auth.Staff, Depends(staff_csrf)]
    Supervisor = Annotated[auth.Staff, Depends(supervisor)]

    @router.post("/session", summary="Sign in (sets the session cookie, returns the CSRF token)")
    async def sign_in(
        console: ConsoleDep, body: LoginBody, request: Request, response: Response
    ) -> dict[str, str]:
        security_headers(response)
        address = request.client.host if request.client else "?"
        await console.logout(request)
        try:
            token = await console.login(body.username, body.password, address)
        except auth.LockedOut as exc:
            raise HTTPException(429, str(exc)) from exc
        except auth.AuthError as exc:
            raise HTTPException(401, str(exc)) from exc
        console.set_session_cookie(response, token)
        async with console.store.transaction() as tx:
            who = await auth.session_staff(tx, token, console.clock())
        assert who is not None
        return {"username": who.username, "role": who.role, "csrf": who.csrf}

    @router.get("/session", summary="Who is signed in, with the CSRF token")
    async def whoami(console: ConsoleDep, who: Staff) -> dict[str, str]:
        return {"username": who.username, "role": who.role, "csrf": who.csrf}

    @router.delete("/session", summary="Sign out")
    async def sign_out(
        console: ConsoleDep, request: Request, response: Response, who: Acting
    ) -> dict[str, bool]:
        await console.logout(request)
        console.clear_session_cookie(response)
        return {"signed_out": True}

    @router.get("/queue", summary="Open conversations in serving order, and staffing")
    async def queue(console: ConsoleDep, who: Staff) -> dict[str, Any]:
        return await console.queue_view()

    @router.post("/presence", summary="Make yourself available (or not) to the queue")
    async def presence(console: ConsoleDep, body: PresenceBody, who: Acting) -> dict[str, Any]:
        async with console.store.transaction() as tx:
            if body.available:
                await agents_mod.sign_in(tx, who.username, body.skills, console.clock())
            else:
                await agents_mod.sign_out(tx, who.username, console.clock())
        return {"available": body.available, "skills": sorted(set(body.skills))}

    @router.post("/claim-next", summary="Claim the next conversation you can serve")
    async def claim_next(
        console: ConsoleDep, who: Acting, response: Response
    ) -> dict[str, Any] | None:
        entry = await console.queue.claim_next(who.username, await console.skills_of(who.username))
        if entry is None:
            response.status_code = 204
            return None
        return entry_json(entry, console.clock())

    @router.get("/entries/{entry_id}", summary="A conversation: context packet and transcript")
    async def get_entry(console: ConsoleDep, entry_id: str, who: Staff) -> dict[str, Any]:
        try:
            entry, lines = await guarded(reads.read_conversation(console, who, entry_id))
        except reads.NotAllowed:
            raise HTTPException(403, "closed conversations: supervisors or its agent") from None
        return {
            "entry": entry_json(entry, console.clock()),
            "transcript": lines,
            "lines": [plain.line_view(x, console.prompts) for x in lines],
        }

    @router.get("/reads", summary="Who read which conversation (supervisors)")
    async def conversation_reads(
        console: ConsoleDep, who: Supervisor, entry: str | None = None
    ) -> list[dict[str, Any]]:
        return await reads.reads_of(console, entry)

    @router.post("/entries/{entry_id}/claim", summary="Claim this conversation")
    async def claim(console: ConsoleDep, entry_id: str, who: Acting) -> dict[str, Any]:
        return await answered(console, console.queue.claim(entry_id, who.username))

    @router.post("/entries/{entry_id}/reply", summary="Reply on a text channel")
    async def reply(
        console: ConsoleDep, entry_id: str, body: TextBody, who: Acting
    ) -> dict[str, bool]:
        async with console.store.transaction() as tx:
            await guarded(
                replies.staff_reply(tx, entry_id, who.username, body.text, console.clock())
            )
        console.wake_outbox()
        return {"sent": True}

    @router.post("/entries/{entry_id}/notes", summary="Add a note")
    async def note(
        console: ConsoleDep, entry_id: str, body: TextBody, who: Acting
    ) -> dict[str, Any]:
        async with console.store.transaction() as tx:
            entry = await guarded(add_note(tx, entry_id, who.username, body.text, console.clock()))
        return entry_json(entry, console.clock())

    @router.post("/entries/{entry_id}/close", summary="Close with an outcome code")
    async def close(
        console: ConsoleDep, entry_id: str, body: CloseBody, who: Acting
    ) -> dict[str, Any]:
        if body.outcome not in OUTCOMES:
            raise HTTPException(422, f"outcome must be one of {OUTCOMES}")
        return await answered(
            console, console.queue.close(entry_id, who.username, body.outcome, body.notes)
        )

    @router.post("/entries/{entry_id}/hand-back", summary="Hand back to the assistant")
    async def hand_back(
        console: ConsoleDep, entry_id: str, body: HandBackBody, who: Acting
    ) -> dict[str, Any]:
        return await answered(console, console.queue.hand_back(entry_id, who.username, body.notes))

    @router.post("/entries/{entry_id}/release", summary="Put back in the queue, place kept")
    async def release(console: ConsoleDep, entry_id: str, who: Acting) -> dict[str, Any]:
        return await answered(console, console.queue.release(entry_id, who.username))

    @router.post("/entries/{entry_id}/transfer", summary="Transfer to an agent or a skill")
    async def transfer(
        console: ConsoleDep, entry_id: str, body: TransferBody, who: Acting
    ) -> dict[str, Any]:
        return await answered(
            console,
            console.queue.transfer(
                entry_id, who.username, to_agent=body.to_agent, to_skill=body.to_skill
            ),
        )

    @router.post("/entries/{entry_id}/callback-failed", summary="Nobody answered the callback")
    async def callback_failed(console: ConsoleDep, entry_id: str, who: Acting) -> dict[str, Any]:
        return await answered(
            console, console.queue.callback_failed(console.prompts, entry_id, who.username)
        )

    async def address_of(console: Console, choice: AddressChoice | None) -> dict[str, Any] | None:
        if choice is None:
            return None
        services = console.services
        if services is None:
            raise HTTPException(503, "council services are not connected")
        return await guarded(for_citizen.pick_address(services, choice.postcode, choice.address_id))

    @router.get(
        "/entries/{entry_id}/addresses",
        summary="Addresses at a postcode, to choose one for a report or reminders",
    )
    async def addresses(
        console: ConsoleDep,
        entry_id: str,
        who: Staff,
        postcode: Annotated[str, Query(min_length=5, max_length=10)],
    ) -> list[dict[str, Any]]:
        async with console.store.transaction() as tx:
            await guarded(for_citizen.held(tx, entry_id, who.username))
        services = console.services
        if services is None:
            raise HTTPException(503, "council services are not connected")
        try:
            found = await guarded(services.find_addresses(postcode))
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            found = []  # a postcode with no addresses: nothing to choose (it was a 502)
        return [for_citizen.address_dict(a) for a in found]

    @router.post(
        "/entries/{entry_id}/reports",
        status_code=201,
        summary="File a problem report for the citizen; returns the reference to tell them",
    )
    async def file_report(
        console: ConsoleDep, entry_id: str, body: ReportBody, who: Acting
    ) -> dict[str, str]:
        address = await address_of(console, body.address)
        details = for_citizen.ReportDetails(
            service=body.service,
            description=body.description,
            location=body.location,
            bin=body.bin,
            address=address,
        )
        async with console.store.transaction() as tx:
            ref = await guarded(
                for_citizen.file_report(
                    tx, console.prompts, entry_id, who.username, details, console.clock()
                )
            )
        return {"reference": ref, "service": body.service}

    @router.post(
        "/entries/{entry_id}/reminders",
        summary="Start or stop bin-day reminders texted to the citizen (phone channels only)",
    )
    async def reminders(
        console: ConsoleDep, entry_id: str, body: RemindersBody, who: Acting
    ) -> dict[str, Any]:
        address = await address_of(console, body.address) if body.start else None
        async with console.store.transaction() as tx:
            number = await guarded(
                for_citizen.set_reminders(
                    tx,
                    console.prompts,
                    entry_id,
                    who.username,
                    body.start,
                    address,
                    console.clock(),
                )
            )
        return {"reminders": body.start, "number": number, "topic": for_citizen.TOPIC}

    @router.post(
        "/entries/{entry_id}/report-notes",
        status_code=201,
        summary="Add new information to a report made earlier (kept with the report: GeoReport"
        " v2 has no update call)",
    )
    async def add_report_note(
        console: ConsoleDep, entry_id: str, body: ReportNoteBody, who: Acting
    ) -> dict[str, Any]:
        async with console.store.transaction() as tx:
            entry = await guarded(for_citizen.held(tx, entry_id, who.username))
            ref = await report_notes.known_report(tx, body.reference)
            if ref is None:
                raise HTTPException(404, "no report with that reference")
            await report_notes.add_note(
                tx, ref, who.username, body.text.strip(), console.clock(), entry.session_id
            )
        return {"reference": ref, "sent_to_council": False}

    @router.get("/reports/{reference}/notes", summary="What staff added to a report")
    async def report_notes_of(
        console: ConsoleDep, reference: str, who: Staff
    ) -> list[dict[str, Any]]:
        async with console.store.transaction() as tx:
            ref = await report_notes.known_report(tx, reference[:40])
            if ref is None:
                raise HTTPException(404, "no report with that reference")
            return await report_notes.notes_for(tx, [ref])

    @router.post("/staff/{username}/unlock", summary="Unlock an account after failed sign-ins")
    async def unlock_staff(
        console: ConsoleDep, username: str, who: Acting, boss: Supervisor
    ) -> dict[str, Any]:
        async with console.store.transaction() as tx:
            forgotten = await auth.unlock(tx, username)
            await core.audit(
                tx, who.username, "staff_unlock", None, {"username": username}, console.clock()
            )
        return {"username": username, "unlocked": forgotten}

    @router.get("/stats", summary="Supervisor figures for the last `hours`")
    async def figures(
        console: ConsoleDep,
        who: Supervisor,
        hours: Annotated[float, Query(gt=0, le=24 * 31)] = 24.0,
    ) -> dict[str, Any]:
        now = console.clock()
        async with console.store.transaction() as tx:
            f = await stats.figures(tx, now - hours * 3600, now)
        return f.to_json()

    @router.get("/erlang", summary="Erlang C staffing calculator")
    async def erlang_calc(
        console: ConsoleDep,
        who: Supervisor,
        contacts_per_hour: Annotated[float, Query(ge=0, le=100000)],
        handle_time_s: Annotated[float, Query(gt=0, le=36000)],
        agents: Annotated[int, Query(ge=1, le=2000)],
        target_s: Annotated[float, Query(gt=0, le=3600)] = 60.0,
    ) -> list[dict[str, Any]]:
        rows = stats.erlang_table(contacts_per_hour, handle_time_s, agents, target_s)
        return [
            {k: (None if v == float("inf") else v) for k, v in r.__dict__.items()} for r in rows
        ]

    @router.get("/floods", summary="Sources holding more queue places than allowed (supervisors)")
    async def suspected_floods(console: ConsoleDep, who: Supervisor) -> list[dict[str, Any]]:
        async with console.store.transaction() as tx:
            return [asdict(f) for f in await floods.suspected(tx)]

    @router.post("/floods/{source}/{action}", summary="Trust a source, or close its suspects")
    async def settle_flood(
        console: ConsoleDep,
        source: Annotated[str, Path(pattern="^[0-9a-f]{20}$")],
        action: Literal["trust", "close"],
        who: Acting,
        boss: Supervisor,
    ) -> dict[str, Any]:
        async with console.store.transaction() as tx:
            changed = await floods.settle(tx, source, action, who.username, console.clock())
        return {"source": source, "action": action, "entries": changed}

    @router.get("/events", summary="Server-sent events: one `queue` event per change")
    async def events(console: ConsoleDep, request: Request, who: Staff) -> StreamingResponse:
        return StreamingResponse(
            _stream(console, request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router


POLL_S = 0.4
"""How often the stream looks for changes: a citizen's line reaches staff within 1 s."""


async def _stream(console: Console, request: Request) -> AsyncIterator[str]:
    """Poll the event log once a second; send queue changes, each new citizen line on a
    waiting or claimed conversation (`event: citizen`), a heartbeat, and stop when done."""
    # The store's reads are shielded: a disconnect cancels this generator, and a transaction
    # cancelled half-way would leave the shared connection inside it (see the lead's notes).
    with anyio.CancelScope(shield=True):
        last = await console.last_event_id()
        last_line = await console.last_line_id()
    started = idle_since = time.monotonic()
    yield "retry: 2000\n\n"
    while time.monotonic() - started < EVENTS_MAX_S:
        if await request.is_disconnected():
            return
        with anyio.CancelScope(shield=True):
            new = await console.events_after(last)
            lines = await console.citizen_lines_after(last_line)
        for line in lines:  # what a waiting or claimed citizen typed or texted, once each
            last_line = line["id"]
            yield f"event: citizen\ndata: {json.dumps(line)}\n\n"
            idle_since = time.monotonic()
        if new:
            last = int(new[-1]["id"])
            actions = [{"entry": r["entry_id"], "action": r["action"]} for r in new]
            yield f"event: queue\ndata: {json.dumps({'last': last, 'changes': actions})}\n\n"
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since > 15:
            yield ": still here\n\n"
            idle_since = time.monotonic()
        await asyncio.sleep(POLL_S)
