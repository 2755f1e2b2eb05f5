"""The console's conversation page (`/console/entries/<id>`) and the forms that act on it.

Every refusal is said in words that tell staff what to do (`console.*` prompts): a form with
a mistake comes back with everything typed and the message beside the field; a look-up's
answer is shown beside the look-up (`#result`), not only at the end of the transcript.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from assist.backend_client import report_notes
from assist.backend_client.protocol import BackendError
from assist.handoff import auth, for_citizen, forms, lookups, plain, reads, replies
from assist.handoff.entries import CLAIMED, Conflict, Entry, EntryNotFound, get_entry
from assist.handoff.pages import acting, error, not_found, page, see_other, signed_in, words
from assist.handoff.queue import add_note
from assist.handoff.web import OUTCOMES, Console, ConsoleDep

REF = re.compile(r"AS-[A-Z0-9]{4,8}")
RESULTS = ("bin_days", "report_status", "report_note")
"""Actions whose answer is shown beside their form after the page reloads (`?result=`)."""


class Refused(Exception):
    """A console action that cannot be done, with the words that say what to do instead."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def _conflict(console: Console, entry_id: str, action: str) -> Refused:
    """Why the queue refused, from the entry as it stands now (never its id)."""
    async with console.store.transaction() as tx:
        entry = await get_entry(tx, entry_id)
    if action == "claim":
        if entry.status == CLAIMED and entry.claimed_by:
            return Refused(words(console, "console.taken", agent=entry.claimed_by))
        return Refused(words(console, "console.not_waiting"))
    if action == "transfer" and entry.status == CLAIMED:
        return Refused(words(console, "console.colleague_away"))
    if action == "callback-failed" and entry.status == CLAIMED and entry.kind != "callback":
        return Refused(words(console, "console.not_callback"))
    return Refused(words(console, "console.not_yours"))


async def notes_on_reports(console: Console, refs: list[str]) -> list[dict[str, Any]]:
    """What staff added to these reports, oldest first ([] without a reports table)."""
    if not refs:
        return []
    try:
        async with console.store.transaction() as tx:
            return await report_notes.notes_for(tx, refs)
    except Exception:  # a console run without the reports component: nothing to show
        return []


async def render(
    console: Console,
    request: Request,
    who: auth.Staff,
    entry: Entry,
    lines: list[dict[str, Any]],
    report: forms.ReportForm | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    """The conversation page; `report` keeps a form the agent is correcting."""
    mine = entry.status == CLAIMED and entry.claimed_by == who.username
    ctx = entry.context
    known = lookups.known_address(entry)
    report = report or forms.prefilled(entry, lines)
    postcode = request.query_params.get("postcode", "").strip()[:10]
    postcode = postcode or report.values.get("postcode", "") or known.get("postcode", "")
    found, lookup_error = await lookups.addresses(console, postcode) if mine else ([], None)
    result_action = request.query_params.get("result", "")
    shown = [plain.line_view(x, console.prompts) for x in lines]
    result = next(
        (x for x in reversed(shown) if result_action in RESULTS and x["action"] == result_action),
        None,
    )
    ref = request.query_params.get("ref", "")
    refs = [str(r) for r in ctx.get("refs") or []]
    return page(
        console,
        request,
        "entry.html",
        status,
        staff=who,
        title="Conversation",
        entry=entry,
        lines=shown,
        summary=plain.entry_summary(entry, console.prompts),
        channel=plain.channel_name(entry.channel),
        number=plain.citizen_number(entry.channel, entry.sender),
        callback_number=plain.phone_number(entry.callback_number),
        reason=plain.reason_words(console.prompts, entry.reason),
        step=plain.step_words(console.prompts, ctx.get("step")),
        facts=plain.facts(ctx.get("slots") or {}),
        intent=plain.service_name(ctx.get("intent")),
        known=known,
        outcomes=OUTCOMES,
        now=console.clock(),
        mine=mine,
        can_reply=entry.channel in replies.TEXT_CHANNELS,
        can_remind=entry.channel in for_citizen.PHONE_CHANNELS,
        lookups=console.services is not None,
        notice=request.query_params.get("notice"),
        ref=ref if REF.fullmatch(ref) else None,
        refs=refs,
        report_notes=await notes_on_reports(console, refs),
        services=for_citizen.SERVICE_NAMES,
        bins=for_citizen.BINS,
        postcode=postcode,
        addresses=found,
        lookup_error=lookup_error,
        report=report,
        result=result,
        **extra,
    )


def create_conversation_router() -> APIRouter:
    """`GET /console/entries/<id>` and `POST /console/entries/<id>/<action>`."""
    router = APIRouter(prefix="/console", include_in_schema=False)

    @router.get("/entries/{entry_id}", response_class=HTMLResponse)
    async def entry_page(console: ConsoleDep, request: Request, entry_id: str) -> Response:
        who = await signed_in(console, request)
        if isinstance(who, Response):
            return who
        try:
            entry, lines = await reads.read_conversation(console, who, entry_id)
        except (EntryNotFound, reads.NotAllowed):
            return not_found(console, request, who)
        return await render(console, request, who, entry, lines)

    @router.post("/entries/{entry_id}/{action}")
    async def entry_action(
        console: ConsoleDep, request: Request, entry_id: str, action: str
    ) -> Response:
        got = await acting(console, request)
        if isinstance(got, Response):
            return got
        who, form = got
        back = f"/console/entries/{entry_id}"
        try:
            done = await _act(console, request, who, form, entry_id, action)
        except EntryNotFound:
            return not_found(console, request, who)
        except Conflict:
            try:
                refused = await _conflict(console, entry_id, action)
            except EntryNotFound:
                return not_found(console, request, who)
            return error(console, request, who, 409, "console.not_possible", refused.message, back)
        except lookups.NoServices:
            message = words(console, "console.services_off")
            return error(console, request, who, 409, "console.not_possible", message, back)
        except Refused as exc:
            return error(
                console, request, who, exc.status, "console.not_possible", exc.message, back
            )
        if isinstance(done, Response):
            return done
        return see_other(done or back)

    return router


async def _act(
    console: Console,
    request: Request,
    who: auth.Staff,
    form: dict[str, str],
    entry_id: str,
    action: str,
) -> str | Response | None:
    """Do one form's action; returns where to go next (None: back to the page) or a page."""
    q, now = console.queue, console.clock
    text = form.get("text", "")
    here = f"/console/entries/{entry_id}"
    if action == "claim":
        await q.claim(entry_id, who.username)
    elif action == "reply":
        entry = await q.get(entry_id)
        if entry.channel not in replies.TEXT_CHANNELS:
            raise Refused(words(console, "console.no_text_reply"), 422)
        if not text.strip() or len(text.strip()) > replies.MAX_REPLY_CHARS:
            raise Refused(words(console, "console.reply_length"), 422)
        async with console.store.transaction() as tx:
            await replies.staff_reply(tx, entry_id, who.username, text, now())
        console.wake_outbox()
        return f"{here}#reply"
    elif action == "note":
        if not text.strip():
            raise Refused(words(console, "console.write_note"), 422)
        async with console.store.transaction() as tx:
            await add_note(tx, entry_id, who.username, text[:2000], now())
    elif action == "close":
        if form.get("outcome") not in OUTCOMES:
            raise Refused(words(console, "console.choose_outcome"), 422)
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
        if (agent is None) == (skill is None):
            raise Refused(words(console, "console.transfer_one"), 422)
        await q.transfer(entry_id, who.username, to_agent=agent, to_skill=skill)
        return "/console?notice=transferred"
    elif action == "callback-failed":
        await q.callback_failed(console.prompts, entry_id, who.username)
        return "/console?notice=callback_failed"
    elif action == "bin-days":
        await lookups.bin_days(
            console, entry_id, who, form.get("postcode", "")[:10], form.get("address_id", "")
        )
        return f"{here}?result=bin_days#result"
    elif action == "report-status":
        await lookups.report_status(console, entry_id, who, form.get("reference", "")[:40])
        return f"{here}?result=report_status#result"
    elif action == "report":
        return await _file_report(console, request, who, form, entry_id)
    elif action == "report-note":
        return await _note_on_report(console, request, who, form, entry_id)
    elif action == "reminders":
        return await _reminders(console, who, form, entry_id)
    else:
        raise HTTPException(404)
    return None


async def _held(
    console: Console, who: auth.Staff, entry_id: str
) -> tuple[Entry, list[dict[str, Any]]]:
    """The entry and its transcript, when `who` holds it; raises Conflict otherwise."""
    entry, lines = await console.conversation(entry_id)
    if entry.status != CLAIMED or entry.claimed_by != who.username:
        raise Conflict(entry_id)
    return entry, lines


async def _file_report(
    console: Console, request: Request, who: auth.Staff, form: dict[str, str], entry_id: str
) -> str | Response:
    """File the report form; a mistake re-renders the page with the form as typed."""
    entry, lines = await _held(console, who, entry_id)
    report = forms.typed(form)
    details = await forms.checked(console, report)
    if details is None:
        fix = words(console, "console.fix_form")
        return await render(console, request, who, entry, lines, report, 422, form_error=fix)
    try:
        async with console.store.transaction() as tx:
            ref = await for_citizen.file_report(
                tx, console.prompts, entry_id, who.username, details, console.clock()
            )
    except ValueError:
        raise Refused(words(console, "console.fix_form"), 422) from None
    return f"/console/entries/{entry_id}?notice=report_filed&ref={ref}#notice"


async def _note_on_report(
    console: Console, request: Request, who: auth.Staff, form: dict[str, str], entry_id: str
) -> str | Response:
    """Add what the citizen says now to a report made earlier (kept here: the council's
    system takes no updates) and note it in the conversation."""
    entry, lines = await _held(console, who, entry_id)
    reference = form.get("reference", "").strip()[:40]
    text = form.get("text", "").strip()[:2000]
    errors: dict[str, str] = {}
    if not text:
        errors["note_text"] = words(console, "console.form.note")
    ref = None
    if not reference:
        errors["note_reference"] = words(console, "console.form.reference")
    else:
        async with console.store.transaction() as tx:
            ref = await report_notes.known_report(tx, reference)
        if ref is None:
            errors["note_reference"] = words(console, "console.form.no_report")
    if errors or ref is None:
        return await render(
            console,
            request,
            who,
            entry,
            lines,
            status=422,
            note_form={"reference": reference, "text": text},
            note_errors=errors,
        )
    now = console.clock()
    async with console.store.transaction() as tx:
        await report_notes.add_note(tx, ref, who.username, text, now, entry.session_id)
    said = words(console, "console.report_note.added", ref=ref, text=text)
    await lookups.record(console, entry, who, said, "report_note")
    return f"/console/entries/{entry_id}?result=report_note#result"


async def _reminders(console: Console, who: auth.Staff, form: dict[str, str], entry_id: str) -> str:
    start = form.get("reminders") == "start"
    address = None
    if start:
        address_id = form.get("address_id", "").strip()[:80]
        if not address_id:
            raise Refused(words(console, "console.form.address"), 422)
        if console.services is None:
            raise lookups.NoServices()
        try:
            address = await for_citizen.pick_address(
                console.services, form.get("postcode", "")[:10], address_id
            )
        except ValueError:
            raise Refused(words(console, "console.form.address_gone"), 422) from None
        except BackendError:
            raise Refused(words(console, "console.services_down"), 502) from None
    try:
        async with console.store.transaction() as tx:
            await for_citizen.set_reminders(
                tx, console.prompts, entry_id, who.username, start, address, console.clock()
            )
    except ValueError:
        raise Refused(words(console, "console.no_reminders"), 422) from None
    return f"/console/entries/{entry_id}?notice=reminders_{'on' if start else 'off'}#notice"
