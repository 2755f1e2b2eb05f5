"""The supervisor's view (`/console/supervisor`) and its CSV export: figures per channel and
language for today or a chosen period, why wait estimates are what they are, reports that
need a person, and a staffing calculator that only shows real numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from assist.backend_client import report_notes
from assist.backend_client.upkeep import reports_needing_attention
from assist.handoff import figures, floods, history, stats, waiting
from assist.handoff.pages import acting, page, see_other, signed_in, words
from assist.handoff.web import Console, ConsoleDep, security_headers

MAX_DAYS = 366


class BadPeriod(ValueError):
    """The dates asked for are not a period we can show."""


def period_of(console: Console, params: Any) -> tuple[dt.date, dt.date, float, float]:
    """The first and last day asked for (`from`, `to`; default today, in the council's time
    zone) and the period as [since, until) timestamps; raises BadPeriod."""
    zone = ZoneInfo(console.settings.timezone)
    today = dt.datetime.fromtimestamp(console.clock(), zone).date()
    try:
        first = dt.date.fromisoformat(params.get("from") or today.isoformat())
        last = dt.date.fromisoformat(params.get("to") or first.isoformat())
    except ValueError:
        raise BadPeriod("not a date") from None
    if last < first or (last - first).days >= MAX_DAYS:
        raise BadPeriod("not a period")
    since = dt.datetime.combine(first, dt.time(), zone).timestamp()
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).timestamp()
    return first, last, since, until


def _calculator(
    params: Any, rate_seen: float, workings: history.Workings
) -> tuple[dict[str, float], list[Any], bool]:
    """The calculator's inputs (from the form, else from real figures) and its table; the
    table is empty without real contacts and handle time. Raises ValueError for bad input."""
    handle = workings.handle_time_s if workings.measured else 0.0
    rate = float(params.get("contacts_per_hour") or round(rate_seen, 1))
    aht = float(params.get("handle_time_s") or round(handle))
    agents = int(params.get("agents") or max(1, workings.agents))
    target = float(params.get("target_s") or 60)
    if not (0 <= rate <= 100000 and 0 <= aht <= 36000 and 1 <= agents <= 2000):
        raise ValueError("out of range")
    if not 0 < target <= 3600:
        raise ValueError("out of range")
    inputs = {"rate": rate, "aht": aht, "agents": agents, "target": target}
    if rate <= 0 or aht <= 0:
        return inputs, [], False
    return inputs, stats.erlang_table(rate, aht, agents, target), True


def create_supervisor_router() -> APIRouter:
    """`GET /console/supervisor` and `GET /console/supervisor.csv`."""
    router = APIRouter(prefix="/console", include_in_schema=False)

    @router.get("/supervisor", response_class=HTMLResponse)
    async def supervisor(console: ConsoleDep, request: Request) -> Response:
        who = await signed_in(console, request, supervisor=True)
        if isinstance(who, Response):
            return who
        now, p = console.clock(), request.query_params
        zone = ZoneInfo(console.settings.timezone)
        today = dt.datetime.fromtimestamp(now, zone).date()
        period_error = None
        try:
            first, last, since, until = period_of(console, p)
        except BadPeriod:
            period_error = words(console, "console.period_range")
            first, last, since, until = period_of(console, {})
        async with console.store.transaction() as tx:
            now_figures = await stats.figures(tx, now - 24 * 3600, now)
            groups = await figures.period(tx, since, until, now)
            workings = await history.workings(tx, now, console.settings.default_handle_time_s)
            suspected = await floods.suspected(tx)
        hours = max((min(until, now) - since) / 3600.0, 1 / 60)
        rate_seen = groups[0].handed_to_person / hours
        try:
            calc, table, real = _calculator(p, rate_seen, workings)
            calc_error = None
        except ValueError:
            calc, table, real = {"rate": 0.0, "aht": 0.0, "agents": 1, "target": 60.0}, [], False
            calc_error = words(console, "console.calc_range")
        nobody = await _nobody_answering(console, now)
        report_rows = await reports_needing_attention(console.store)
        notes = await _notes(console, [str(r["assist_ref"]) for r in report_rows])
        return page(
            console,
            request,
            "supervisor.html",
            staff=who,
            title="Supervisor",
            f=now_figures,
            groups=groups,
            by_step=lambda counts: figures.by_step(console.prompts, counts),
            first=first,
            last=last,
            period_error=period_error,
            is_today=first == last == today,
            w=workings,
            told=workings.estimate.phrase(console.prompts, "en"),
            nobody=nobody,
            table=table,
            real=real,
            calc=calc,
            calc_error=calc_error,
            no_numbers=words(console, "console.erlang_none"),
            report_rows=report_rows,
            notes=notes,
            floods=suspected,
            per_source=console.settings.queue_per_source,
            clock=lambda t: dt.datetime.fromtimestamp(t, zone).strftime("%H:%M"),
            notice=p.get("notice", ""),
        )

    @router.post("/floods/{source}/{action}")
    async def settle_flood(
        console: ConsoleDep, request: Request, source: str, action: str
    ) -> Response:
        """A supervisor trusts a source (its places rejoin the normal order) or closes its
        suspected places (`assist.handoff.floods`)."""
        acted = await acting(console, request)
        if isinstance(acted, Response):
            return acted
        who, _form = acted
        if not who.is_supervisor or action not in ("trust", "close") or len(source) != 20:
            return see_other("/console/supervisor")
        async with console.store.transaction() as tx:
            await floods.settle(tx, source, action, who.username, console.clock())
        return see_other(f"/console/supervisor?notice=flood_{action}#floods-h")

    @router.get("/supervisor.csv")
    async def supervisor_csv(console: ConsoleDep, request: Request) -> Response:
        who = await signed_in(console, request, supervisor=True)
        if isinstance(who, Response):
            return who
        try:
            first, last, since, until = period_of(console, request.query_params)
        except BadPeriod:
            return Response(words(console, "console.period_range"), 422, media_type="text/plain")
        async with console.store.transaction() as tx:
            groups = await figures.period(tx, since, until, console.clock())
        response = Response(
            figures.to_csv(groups, console.prompts),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="assist-{first}-to-{last}.csv"'},
        )
        security_headers(response)
        return response

    return router


async def _nobody_answering(console: Console, now: float) -> str:
    """What someone asking for a person now would hear when nobody can answer, else ""."""
    if console.services is None:
        return ""
    av = await waiting.situation(console.store, console.settings, console.services, now)
    if av.someone:
        return ""
    when = dt.datetime.fromtimestamp(now, dt.UTC)
    back = waiting.back_phrase(console.prompts, "en", av.back_at, when)
    answer = waiting.on_entering(av, position=None, estimate=None, wait_words="", back_words=back)
    return " ".join(waiting.sentences(console.prompts, "en", answer))


async def _notes(console: Console, refs: list[str]) -> dict[str, Any]:
    """Notes added to the reports listed, by reference, and the latest notes on any report."""
    try:
        async with console.store.transaction() as tx:
            on_listed = await report_notes.notes_for(tx, refs)
            recent = await report_notes.recent_notes(tx)
    except Exception:  # a console run without the reports component
        return {"by_ref": {}, "recent": []}
    by_ref: dict[str, list[Any]] = {}
    for n in on_listed:
        by_ref.setdefault(str(n["assist_ref"]), []).append(n)
    return {"by_ref": by_ref, "recent": recent}
