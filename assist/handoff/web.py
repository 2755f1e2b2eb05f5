"""What the console pages and the JSON API share: the store, cookies, CSRF and actions."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.templating import Jinja2Templates

from assist.backend_client.protocol import CouncilServices
from assist.dialogue.prompts import Prompts
from assist.handoff import agents as agents_mod
from assist.handoff import auth, plain
from assist.handoff.entries import CLAIMED, WAITING, Entry, ahead_of, get_entry
from assist.handoff.queue import HandoffQueue, open_entries
from assist.settings import Settings
from assist.store import core
from assist.store.base import Store

HERE = Path(__file__).parent
OUTCOMES = (
    "resolved",
    "report_filed",
    "information_given",
    "callback_arranged",
    "referred_elsewhere",
    "no_reply",
    "other",
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)


def security_headers(response: Response) -> None:
    """Headers every console and API response carries (no framing, no sniffing, no caching)."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"


@dataclass
class Console:
    """The console's collaborators, shared by page and API routes."""

    store: Store
    settings: Settings
    services: CouncilServices | None = None
    """The council services staff act through (None: no look-ups)."""
    clock: Callable[[], float] = time.time
    publish: Callable[[str, dict[str, Any]], object] | None = None
    """Where staff actions are announced (the app's event bus)."""
    prompts: Prompts = field(kw_only=True)
    """The prompt texts the console's messages to citizens are worded from."""
    wake_outbox: Callable[[], None] = field(default=lambda: None, kw_only=True)
    """Told when staff leave work in the outbox (a reply), so it goes at once."""
    queue: HandoffQueue = field(init=False)
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        self.queue = HandoffQueue(
            self.store, self.settings.default_handle_time_s, self.clock, self.publish
        )
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))

    @property
    def secure_cookies(self) -> bool:
        """True when served over HTTPS: cookies are then `Secure` and `__Host-` prefixed."""
        return self.settings.public_url.startswith("https://")

    @property
    def cookie_name(self) -> str:
        """The session cookie's name."""
        return "__Host-assist_staff" if self.secure_cookies else "assist_staff"

    @property
    def secret(self) -> str:
        """The cookie signing key."""
        return self.settings.secret_key.get_secret_value()

    def set_session_cookie(self, response: Response, token: str) -> None:
        """Put the signed session token in an HttpOnly, SameSite=Strict cookie."""
        response.set_cookie(
            self.cookie_name,
            auth.sign(token, self.secret),
            max_age=int(auth.SESSION_TTL_S),
            path="/",
            secure=self.secure_cookies,
            httponly=True,
            samesite="strict",
        )

    def clear_session_cookie(self, response: Response) -> None:
        """Remove the session cookie."""
        response.delete_cookie(
            self.cookie_name, path="/", secure=self.secure_cookies, httponly=True, samesite="strict"
        )

    def token(self, request: Request) -> str | None:
        """The verified session token from the request's cookie, or None."""
        raw = request.cookies.get(self.cookie_name)
        return auth.unsign(raw, self.secret) if raw else None

    async def staff(self, request: Request) -> auth.Staff | None:
        """The signed-in staff member, or None."""
        token = self.token(request)
        if token is None:
            return None
        async with self.store.transaction() as tx:
            return await auth.session_staff(tx, token, self.clock())

    async def login(self, username: str, password: str, address: str) -> str:
        """A new session token; raises auth.AuthError / auth.LockedOut."""
        async with self.store.transaction() as tx:
            token = await auth.login(tx, username, password, address, self.clock())
        if token is None:
            raise auth.AuthError("wrong user name or password")
        return token

    async def logout(self, request: Request) -> None:
        """End the request's session, if any."""
        token = self.token(request)
        if token:
            async with self.store.transaction() as tx:
                await auth.logout(tx, token)

    async def skills_of(self, agent_id: str) -> list[str]:
        """The skills an agent last signed in with."""
        async with self.store.transaction() as tx:
            agent = await agents_mod.get_agent(tx, agent_id)
        return sorted(agent.skills) if agent else []

    async def queue_view(self) -> dict[str, Any]:
        """Open entries with place and wait, and staffing, as JSON-ready data."""
        now = self.clock()
        async with self.store.transaction() as tx:
            entries = await open_entries(tx, now)
            rows = []
            for e in entries:
                place = await ahead_of(tx, e) + 1 if e.status == "waiting" else None
                row = entry_brief(e, now, place)
                row["summary"] = plain.entry_summary(e, self.prompts)
                row["channel_name"] = plain.channel_name(e.channel)
                row["language_name"] = plain.language_name(e.language)
                rows.append(row)
            signed_in = await agents_mod.list_agents(tx)
        return {
            "entries": rows,
            "waiting": sum(1 for r in rows if r["status"] == "waiting"),
            "agents_available": len(signed_in),
            "agents": [
                {"id": a.agent_id, "busy": a.busy, "skills": sorted(a.skills)} for a in signed_in
            ],
        }

    async def conversation(self, entry_id: str) -> tuple[Entry, list[dict[str, Any]]]:
        """An entry and its live transcript (falling back to the packet's copy)."""
        async with self.store.transaction() as tx:
            entry = await get_entry(tx, entry_id)
            lines = await core.transcript_lines(tx, entry.session_id)
        return entry, lines or list(entry.context.get("transcript", []))

    async def last_event_id(self) -> int:
        """The newest queue event's id (live updates poll it)."""
        async with self.store.transaction() as tx:
            row = await tx.fetchone("SELECT MAX(id) AS n FROM handoff_events")
        return int(row["n"] or 0) if row else 0

    async def last_line_id(self) -> int:
        """The newest transcript line's id (the live citizen lines start after it)."""
        async with self.store.transaction() as tx:
            return await core.newest_line_id(tx)

    async def citizen_lines_after(self, last: int) -> list[dict[str, Any]]:
        """Citizen lines newer than `last` on conversations waiting for or with a person,
        each with its queue entry: each line once, in order (the stream tracks `last`)."""
        async with self.store.transaction() as tx:
            entries = {
                e.session_id: e.id
                for e in await open_entries(tx, self.clock())
                if e.status in (WAITING, CLAIMED)
            }
            rows = await core.citizen_lines_after(tx, last, list(entries))
        return [
            {
                "id": int(r["id"]),
                "entry": entries[r["session_id"]],
                "at": r["at"],
                "text": r["text"],
            }
            for r in rows
        ]

    async def events_after(self, last: int) -> list[dict[str, Any]]:
        """Queue events newer than `last` (ids and actions only: no personal data)."""
        async with self.store.transaction() as tx:
            return await tx.fetchall(
                "SELECT id, entry_id, action FROM handoff_events WHERE id > ? ORDER BY id"
                " LIMIT 100",
                (last,),
            )


def entry_brief(entry: Entry, now: float, place: int | None) -> dict[str, Any]:
    """The queue row for an entry: place, waited, channel, language, priority, summary."""
    return {
        "id": entry.id,
        "position": place,
        "status": entry.status,
        "waited_s": round(entry.waited_s(now)),
        "channel": entry.channel,
        "language": entry.language,
        "priority": entry.priority.name.lower(),
        "summary": entry.summary,
        "kind": entry.kind,
        "claimed_by": entry.claimed_by,
        "skill": entry.skill,
        "suspect": entry.suspect,
    }


def minutes(seconds: float | None) -> str:
    """ "3 min 20 s" style durations for pages."""
    if seconds is None:
        return "–"
    s = round(seconds)
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


def get_console(request: Request) -> Console:
    """The console's collaborators, set on `app.state.console` when the app opens."""
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(get_console)]
