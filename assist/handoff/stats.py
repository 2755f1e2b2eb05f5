"""Supervisor figures: queue, staffing, service level, waits, accuracy and where people need us."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from assist.handoff import agents as agents_mod
from assist.handoff import erlang, history
from assist.handoff.entries import ABANDONED, WAITING
from assist.handoff.estimator import robust_handle_time
from assist.handoff.queue import finalize_dropped
from assist.store import core
from assist.store.base import Tx

SERVICE_LEVEL_TARGET_S = 60.0
"""Service level counts people who reached a person within this many seconds."""


@dataclass(frozen=True)
class Figures:
    """Everything on the supervisor view for one period."""

    since: float
    waiting: int
    agents_available: int
    agents_busy: int
    served: int
    abandoned: int
    service_level: float | None
    """Share of finished waits (served or abandoned) that reached a person within 60 s."""
    average_wait_s: float | None
    average_handle_s: float | None
    arrivals_per_hour: float
    accuracy: history.Accuracy
    conversations: int
    resolved_without_person: float | None
    top_intents: list[tuple[str, int]]
    person_requested_at: list[tuple[str, int]]
    gave_up_at: list[tuple[str, int]]
    outcomes: list[tuple[str, int]]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


async def figures(tx: Tx, since: float, now: float) -> Figures:
    """Supervisor figures over entries and conversations since `since`."""
    await finalize_dropped(tx, now)
    signed_in = await agents_mod.list_agents(tx)
    rows = await tx.fetchall(
        "SELECT status, enqueued_at, first_claimed_at, dropped_at, handled_s, outcome, context,"
        " reason FROM handoff_entries WHERE enqueued_at >= ?",
        (since,),
    )
    waits = [r["first_claimed_at"] - r["enqueued_at"] for r in rows if r["first_claimed_at"]]
    abandoned = [r for r in rows if r["status"] == ABANDONED and not r["first_claimed_at"]]
    finished = len(waits) + len(abandoned)
    within = sum(1 for w in waits if w <= SERVICE_LEVEL_TARGET_S)
    handles = [float(r["handled_s"]) for r in rows if r["handled_s"] is not None]
    steps: Counter[str] = Counter()
    gave_up: Counter[str] = Counter()
    for r in rows:
        step = json.loads(r["context"]).get("step") or r["reason"]
        steps[step] += 1
        if r["status"] == ABANDONED:
            gave_up[f"queue after {step}"] += 1
    sessions = await core.sessions_since(tx, since)
    queued_sessions = {
        r["session_id"]
        for r in await tx.fetchall(
            "SELECT DISTINCT session_id FROM handoff_entries WHERE enqueued_at >= ?", (since,)
        )
    }
    intents: Counter[str] = Counter()
    for s in sessions:
        state = s["state"]
        if state.get("intent"):
            intents[state["intent"]] += 1
        if s["status"] == "active" and s["id"] not in queued_sessions:
            gave_up[f"{state.get('flow', '?')}.{state.get('step', '')}"] += 1
    without = sum(1 for s in sessions if s["id"] not in queued_sessions)
    hours = max((now - since) / 3600.0, 1e-9)
    waiting_now = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM handoff_entries WHERE status = ?", (WAITING,)
    )
    return Figures(
        since=since,
        waiting=int(waiting_now["n"]) if waiting_now else 0,
        agents_available=len(signed_in),
        agents_busy=sum(1 for a in signed_in if a.busy),
        served=len(waits),
        abandoned=len(abandoned),
        service_level=within / finished if finished else None,
        average_wait_s=statistics.fmean(waits) if waits else None,
        average_handle_s=robust_handle_time(handles),
        arrivals_per_hour=len(rows) / hours,
        accuracy=await history.accuracy(tx, since),
        conversations=len(sessions),
        resolved_without_person=without / len(sessions) if sessions else None,
        top_intents=intents.most_common(8),
        person_requested_at=steps.most_common(8),
        gave_up_at=gave_up.most_common(8),
        outcomes=Counter(r["outcome"] for r in rows if r["outcome"]).most_common(8),
    )


def erlang_table(
    contacts_per_hour: float,
    handle_time_s: float,
    agents: int,
    target_s: float = 60.0,
) -> list[erlang.Staffing]:
    """Erlang C figures for a few staffing levels around `agents` (the calculator's table)."""
    load = erlang.load_from_rate(contacts_per_hour, handle_time_s)
    low = max(1, agents - 2)
    return [erlang.staffing(load, n, handle_time_s, target_s) for n in range(low, agents + 3)]
