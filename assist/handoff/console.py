"""The staff console at `/console`: server-rendered pages over the same actions as the API."""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from assist.backend_client.protocol import BackendError
from assist.backend_client.upkeep import reports_needing_attention
from assist.handoff import agents as agents_mod
from assist.handoff import auth, for_citizen, reads, replies, stats
from assist.handoff.api import create_api_router
from assist.handoff.entries import Conflict, Entry, EntryNotFound
from assist.handoff.queue import add_note
from assist.handoff.web import (
    HERE,
    OUTCOMES,
    Console,
    ConsoleDep,
    minutes,
    security_headers,
)
from assist.store import core

LOGIN_CSRF_COOKIE = "assist_login_csrf"
REF = re.compile(r"AS-[A-Z0-9]{4,8}")
STATIC = {"console.css": "text/css", "console.js": "text/javascript"}


def create_console_router() -> APIRouter:
    """The staff console (`/console`) and its JSON API (`/api/handoff`) as one router.

    Routes get the `Console` (store, settings, council services, clock, where to announce)
    through `Depends` from `app.state.console`, which the app sets when it opens.
    """
    router = APIRouter()
    router.include_router(create_api_router())
    router.include_router(_pages())
    return router


def _words(console: Console, key: str) -> str:
    """A console text (`console.*` in en.yaml: the staff console is English-only)."""
    return console.prompts.get("en", key)


def _error(
    console: Console, request: Request, who: auth.Staff, status: int, title: str, message: str
) -> Response:
    """The error page, its title and message the `console.*` texts `title` and `message`."""
    return _page(
        console,
        request,
        "error.html",
        status,
        staff=who,
        title=_words(console, title),
        message=_words(console, message),
    )


def _not_found(console: Console, request: Request, who: auth.Staff) -> Response:
    """The page for a conversation id that does not exist."""
    return _error(console, request, who, 404, "console.not_found", "console.no_conversation")


def _page(console: Console, request: Request, name: str, status: int = 200, **ctx: Any) -> Response:
    ctx.setdefault("staff", None)
    ctx["minutes"] = minutes
    response = console.templates.TemplateResponse(request, name, ctx, status_code=status)
    security_headers(response)
    return response


def _see_other(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    security_headers(response)
    return response


def _pages() -> APIRouter:
    router = APIRouter(prefix="/console", include_in_schema=False)

    async def signed_in(
        console: Console, request: Request, supervisor: bool = False
    ) -> auth.Staff | Response:
        who = await console.staff(request)
        if who is None:
            return _see_other("/console/login")
        if supervisor and not who.is_supervisor:
            return _error(
                console, request, who, 403, "console.not_allowed", "console.supervisors_only"
            )
        return who

    async def acting(
        console: Console, request: Request
    ) -> tuple[auth.Staff, dict[str, str]] | Response:
        who = await signed_in(console, request)
        if isinstance(who, Response):
            return who
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        if not hmac.compare_digest(form.get("csrf", ""), who.csrf):
            return _error(console, request, who, 403, "console.not_allowed", "console.form_expired")
        return who, form

    @router.get("/static/{name}")
    async def static(console: ConsoleDep, name: str) -> FileResponse:
        if name not in STATIC:
            raise HTTPException(404)
        return FileResponse(
            HERE / "static" / name, media_type=STATIC[name], headers={"Cache-Control": "no-cache"}
        )

    @router.get("/login")
    async def login_form(console: ConsoleDep, request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = _page(console, request, "login.html", title="Sign in", csrf=token, error=None)
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            max_age=1800,
            path="/console/login",
            secure=console.secure_cookies,
            httponly=True,
            samesite="strict",
        )
        return response

    @router.post("/login")
    async def login(console: ConsoleDep, request: Request) -> Response:
        form = await request.form()
        sent, expected = str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not hmac.compare_digest(sent, expected):
            return _page(
                console,
                request,
                "login.html",
                403,
                title="Sign in",
                csrf=expected,
                error=_words(console, "console.sign_in_expired"),
            )
        address = request.client.host if request.client else "?"
        await console.logout(request)
        try:
            token = await console.login(
                str(form.get("username", ""))[:64], str(form.get("password", ""))[:256], address
            )
        except auth.LockedOut:
            return _page(
                console,
                request,
                "login.html",
                429,
                title="Sign in",
                csrf=expected,
                error=_words(console, "console.locked_out"),
            )
        except auth.AuthError:
            return _page(
                console,
                request,
                "login.html",
                401,
                title="Sign in",
                csrf=expected,
                error=_words(console, "console.wrong_password"),
            )
        response = _see_other("/console")
        console.set_session_cookie(response, token)
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console/login")
        return response

    @router.post("/logout")
    async def logout(console: ConsoleDep, request: Request) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        await console.logout(request)
        response = _see_other("/console/login")
        console.clear_session_cookie(response)
        return response

    @router.get("", response_class=HTMLResponse)
    async def queue_page(console: ConsoleDep, request: Request) -> Response:
        who = await signed_in(console, request)
        if isinstance(who, Response):
            return who
        view = await console.queue_view()
        async with console.store.transaction() as tx:
            me = await agents_mod.get_agent(tx, who.username)
        mine = [e for e in view["entries"] if e["claimed_by"] == who.username]
        return _page(
            console,
            request,
            "queue.html",
            staff=who,
            title="Queue",
            view=view,
            me=me,
            mine=mine,
            notice=request.query_params.get("notice"),
        )

    @router.post("/presence")
    async def presence(console: ConsoleDep, request: Request) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        who, form = got
        skills = [s.strip() for s in form.get("skills", "").split(",") if s.strip()][:20]
        async with console.store.transaction() as tx:
            if form.get("available") == "yes":
                await agents_mod.sign_in(tx, who.username, skills, console.clock())
            else:
                await agents_mod.sign_out(tx, who.username, console.clock())
        return _see_other("/console")

    @router.post("/claim-next")
    async def claim_next(console: ConsoleDep, request: Request) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        who, _ = got
        entry = await console.queue.claim_next(who.username, await console.skills_of(who.username))
        if entry is None:
            return _see_other("/console?notice=empty")
        return _see_other(f"/console/entries/{entry.id}")

    @router.get("/entries/{entry_id}", response_class=HTMLResponse)
    async def entry_page(console: ConsoleDep, request: Request, entry_id: str) -> Response:
        who = await signed_in(console, request)
        if isinstance(who, Response):
            return who
        try:
            entry, lines = await reads.read_conversation(console, who, entry_id)
        except (EntryNotFound, reads.NotAllowed):
            return _not_found(console, request, who)
        mine = entry.status == "claimed" and entry.claimed_by == who.username
        postcode = request.query_params.get("postcode", "").strip()[:10]
        found, lookup_error = await _addresses(console, postcode) if mine else ([], None)
        ref = request.query_params.get("ref", "")
        return _page(
            console,
            request,
            "entry.html",
            staff=who,
            title="Conversation",
            entry=entry,
            lines=lines,
            outcomes=OUTCOMES,
            now=console.clock(),
            mine=mine,
            can_reply=entry.channel in replies.TEXT_CHANNELS,
            can_remind=entry.channel in for_citizen.PHONE_CHANNELS,
            lookups=console.services is not None,
            notice=request.query_params.get("notice"),
            ref=ref if REF.fullmatch(ref) else None,
            services=for_citizen.SERVICE_NAMES,
            bins=for_citizen.BINS,
            postcode=postcode,
            addresses=found,
            lookup_error=lookup_error,
        )

    async def act(
        console: Console,
        request: Request,
        entry_id: str,
        do: Callable[[auth.Staff, dict[str, str]], Awaitable[str | None]],
    ) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        who, form = got
        try:
            where = await do(who, form)
        except EntryNotFound:
            return _not_found(console, request, who)
        except (Conflict, ValueError) as exc:
            return _page(
                console,
                request,
                "error.html",
                409,
                staff=who,
                title="Not possible",
                message=str(exc),
                back=f"/console/entries/{entry_id}",
            )
        return _see_other(where or f"/console/entries/{entry_id}")

    @router.post("/entries/{entry_id}/{action}")
    async def entry_action(
        console: ConsoleDep, request: Request, entry_id: str, action: str
    ) -> Response:
        q, now = console.queue, console.clock

        async def do(who: auth.Staff, form: dict[str, str]) -> str | None:
            text = form.get("text", "")
            if action == "claim":
                await q.claim(entry_id, who.username)
            elif action == "reply":
                async with console.store.transaction() as tx:
                    await replies.staff_reply(tx, entry_id, who.username, text, now())
            elif action == "note":
                if not text.strip():
                    raise ValueError("write a note first")
                async with console.store.transaction() as tx:
                    await add_note(tx, entry_id, who.username, text[:2000], now())
            elif action == "close":
                if form.get("outcome") not in OUTCOMES:
                    raise ValueError("choose an outcome")
                await q.close(entry_id, who.username, form["outcome"], form.get("notes", "")[:2000])
                return "/console?notice=closed"
            elif action == "hand-back":
                await q.hand_back(entry_id, who.username, form.get("notes", "")[:2000])
                return "/console?notice=handed_back"
            elif action == "release":
                await q.release(entry_id, who.username)
                return "/console?notice=released"
            elif action == "transfer":
                agent = form.get("to_agent", "").strip().lower()[:64] or None
                skill = form.get("to_skill", "").strip()[:64] or None
                await q.transfer(entry_id, who.username, to_agent=agent, to_skill=skill)
                return "/console?notice=transferred"
            elif action == "callback-failed":
                await q.callback_failed(console.prompts, entry_id, who.username)
                return "/console?notice=callback_failed"
            elif action == "bin-days":
                await _bin_days(console, entry_id, who, form.get("postcode", "")[:10])
            elif action == "report-status":
                await _report_status(console, entry_id, who, form.get("reference", "")[:40])
            elif action == "report":
                ref = await _file_report(console, entry_id, who, form)
                return f"/console/entries/{entry_id}?notice=report_filed&ref={ref}"
            elif action == "reminders":
                start = form.get("reminders") == "start"
                address = await _form_address(console, form) if start else None
                async with console.store.transaction() as tx:
                    await for_citizen.set_reminders(
                        tx, console.prompts, entry_id, who.username, start, address, now()
                    )
                return f"/console/entries/{entry_id}?notice=reminders_{'on' if start else 'off'}"
            else:
                raise HTTPException(404)
            return None

        return await act(console, request, entry_id, do)

    @router.get("/supervisor", response_class=HTMLResponse)
    async def supervisor(console: ConsoleDep, request: Request) -> Response:
        who = await signed_in(console, request, supervisor=True)
        if isinstance(who, Response):
            return who
        now = console.clock()
        async with console.store.transaction() as tx:
            figures = await stats.figures(tx, now - 24 * 3600, now)
        report_rows = await reports_needing_attention(console.store)
        p = request.query_params
        try:
            rate = float(p.get("contacts_per_hour") or round(figures.arrivals_per_hour, 1))
            aht = float(
                p.get("handle_time_s")
                or round(figures.average_handle_s or console.settings.default_handle_time_s)
            )
            agents = int(p.get("agents") or max(1, figures.agents_available))
            target = float(p.get("target_s") or 60)
            if not (
                0 <= rate <= 100000
                and 0 < aht <= 36000
                and 1 <= agents <= 2000
                and 0 < target <= 3600
            ):
                raise ValueError
            table = stats.erlang_table(rate, aht, agents, target)
            calc_error = None
        except ValueError:
            rate, aht, agents, target, table = 0.0, 0.0, 1, 60.0, []
            calc_error = _words(console, "console.calc_range")
        return _page(
            console,
            request,
            "supervisor.html",
            staff=who,
            title="Supervisor",
            f=figures,
            table=table,
            rate=rate,
            aht=aht,
            agents=agents,
            target=target,
            calc_error=calc_error,
            report_rows=report_rows,
        )

    return router


async def _held(console: Console, entry_id: str, who: auth.Staff) -> Entry:
    if console.services is None:
        raise ValueError("council services are not connected")
    entry, _ = await console.conversation(entry_id)
    if entry.status != "claimed" or entry.claimed_by != who.username:
        raise Conflict("claim the conversation first")
    return entry


async def _record(console: Console, entry: Entry, who: auth.Staff, text: str, action: str) -> None:
    async with console.store.transaction() as tx:
        await core.append_transcript(
            tx,
            entry.session_id,
            "system",
            text,
            {"agent": who.username, "action": action},
            now=console.clock(),
        )


async def _report_status(console: Console, entry_id: str, who: auth.Staff, ref: str) -> None:
    """Staff check a report's status through the back-end client; recorded on the conversation."""
    entry = await _held(console, entry_id, who)
    assert console.services is not None
    try:
        st = await console.services.report_status(ref.strip())
        text = f"Staff checked report {st.reference}: {st.status}"
        if st.status_notes:
            text += f" ({st.status_notes})"
    except BackendError as exc:
        text = f"Staff status check for {ref} failed: {type(exc).__name__}"
    await _record(console, entry, who, text, "report_status")


async def _bin_days(console: Console, entry_id: str, who: auth.Staff, postcode: str) -> None:
    """Staff look up bin days through the same back-end client; recorded on the conversation."""
    entry = await _held(console, entry_id, who)
    assert console.services is not None
    try:
        addresses = await console.services.find_addresses(postcode)
        days = await console.services.bin_collections(addresses[0].id)
        found = "; ".join(f"{c.bin} {c.date:%a %d %b}" for c in days[:3])
        text = f"Staff looked up bin days for {addresses[0].line}: {found}"
    except BackendError as exc:
        text = f"Staff bin-day lookup for {postcode} failed: {type(exc).__name__}"
    await _record(console, entry, who, text, "bin_days")


async def _addresses(console: Console, postcode: str) -> tuple[list[dict[str, Any]], str | None]:
    """Addresses at a postcode for the report and reminder forms, or why there are none."""
    if not postcode or console.services is None:
        return [], None
    try:
        found = await console.services.find_addresses(postcode)
    except BackendError as exc:
        reason = _words(
            console,
            {"NotFound": "console.no_addresses", "OutsideArea": "console.outside_area"}.get(
                type(exc).__name__, "console.services_down"
            ),
        )
        return [], f"{postcode}: {reason}"
    return [for_citizen.address_dict(a) for a in found], None


async def _form_address(console: Console, form: dict[str, str]) -> dict[str, Any] | None:
    """The address a form picked (postcode + address_id), or None when none was picked."""
    address_id = form.get("address_id", "").strip()[:80]
    if not address_id:
        return None
    if console.services is None:
        raise ValueError("council services are not connected")
    try:
        return await for_citizen.pick_address(
            console.services, form.get("postcode", "")[:10], address_id
        )
    except BackendError as exc:
        raise ValueError(f"address look-up failed ({type(exc).__name__}); try again") from exc


async def _file_report(
    console: Console, entry_id: str, who: auth.Staff, form: dict[str, str]
) -> str:
    """File a report from the conversation page's form; returns the reference."""
    details = for_citizen.ReportDetails(
        service=form.get("service", ""),
        description=form.get("description", "")[: for_citizen.MAX_DESCRIPTION],
        location=form.get("location", "")[: for_citizen.MAX_LOCATION],
        bin=form.get("bin", "")[:10],
        address=await _form_address(console, form),
    )
    async with console.store.transaction() as tx:
        return await for_citizen.file_report(
            tx, console.prompts, entry_id, who.username, details, console.clock()
        )
