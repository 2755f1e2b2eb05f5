"""What the queue learns from its past: snapshots for the estimator, predictions and accuracy."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from assist.handoff import agents as agents_mod
from assist.handoff.entries import ABANDONED, WAITING, ahead_of, get_entry
from assist.handoff.estimator import (
    MIN_CONFIDENT_HISTORY,
    QueueSnapshot,
    WaitEstimate,
    estimate_wait,
    robust_handle_time,
)
from assist.store.base import Tx

RECENT = 50
"""How many recent handle times and waits feed a snapshot."""
ABANDON_WINDOW = 200
"""How many recently finished waits estimate the abandonment rate."""


@dataclass(frozen=True)
class Accuracy:
    """How good announced waits were, over settled (served) predictions."""

    count: int
    mae_s: float | None
    """Mean absolute error, seconds."""
    bias_s: float | None
    """Mean (predicted − actual): positive means we over-estimate."""
    inside_bucket: float | None
    """Share of actual waits at or under the announced bound (`upper_s`)."""
    abandoned: int


async def _abandon_rate(tx: Tx) -> float | None:
    """θ̂ = abandonments / total time spent waiting (MLE for exponential patience)."""
    rows = await tx.fetchall(
        "SELECT status, enqueued_at, first_claimed_at, dropped_at, closed_at FROM handoff_entries"
        " WHERE first_claimed_at IS NOT NULL OR status = ?"
        " ORDER BY COALESCE(first_claimed_at, closed_at) DESC LIMIT ?",
        (ABANDONED, ABANDON_WINDOW),
    )
    gave_up = sum(1 for r in rows if r["status"] == ABANDONED and r["first_claimed_at"] is None)
    exposure = 0.0
    for r in rows:
        end = r["first_claimed_at"] if r["first_claimed_at"] is not None else r["closed_at"]
        exposure += max(0.0, float(end or r["enqueued_at"]) - float(r["enqueued_at"]))
    if gave_up < 3 or exposure <= 0:
        return None
    return gave_up / exposure


async def snapshot(
    tx: Tx,
    now: float,
    *,
    ahead: int,
    skill: str | None = None,
    head_wait_s: float | None = None,
) -> QueueSnapshot:
    """A `QueueSnapshot` from the store for someone with `ahead` people before them."""
    agents = [a for a in await agents_mod.list_agents(tx) if a.can_serve(skill)]
    handle_rows = await tx.fetchall(
        "SELECT handled_s FROM handoff_entries WHERE handled_s IS NOT NULL"
        " ORDER BY closed_at DESC LIMIT ?",
        (RECENT,),
    )
    wait_rows = await tx.fetchall(
        "SELECT first_claimed_at - enqueued_at AS w FROM handoff_entries"
        " WHERE first_claimed_at IS NOT NULL ORDER BY first_claimed_at DESC LIMIT ?",
        (RECENT,),
    )
    return QueueSnapshot(
        ahead=ahead,
        agents_available=len(agents),
        handle_times_s=[float(r["handled_s"]) for r in reversed(handle_rows)],
        recent_waits_s=[float(r["w"]) for r in reversed(wait_rows)],
        head_wait_s=head_wait_s,
        abandon_rate_per_s=await _abandon_rate(tx),
        agents_idle=sum(1 for a in agents if a.busy == 0),
    )


async def estimate_for(
    tx: Tx,
    entry_id: str,
    now: float,
    default_handle_time_s: float,
    log: bool = True,
) -> tuple[int | None, WaitEstimate]:
    """Place and estimate for a waiting entry, logged as announced when `log`.

    For an entry no longer waiting the place is None and the estimate zero.
    """
    entry = await get_entry(tx, entry_id)
    if entry.status != WAITING:
        return None, WaitEstimate(0.0, 0.0, True, "not_waiting")
    ahead = await ahead_of(tx, entry)
    head = await tx.fetchone(
        "SELECT MIN(enqueued_at) AS t FROM handoff_entries WHERE status = ?", (WAITING,)
    )
    head_wait = now - float(head["t"]) if head and head["t"] is not None and ahead else None
    snap = await snapshot(tx, now, ahead=ahead, skill=entry.skill, head_wait_s=head_wait)
    est = estimate_wait(snap, default_handle_time_s=default_handle_time_s)
    if log:
        await log_prediction(tx, entry_id, now, ahead, est)
    return ahead + 1, est


async def log_prediction(tx: Tx, entry_id: str, now: float, ahead: int, est: WaitEstimate) -> None:
    """Record an announced estimate; its actual wait is filled in when a person answers."""
    await tx.execute(
        "INSERT INTO handoff_predictions (entry_id, at, ahead, method, predicted_s, upper_s,"
        " confident) VALUES (?,?,?,?,?,?,?)",
        (entry_id, now, ahead, est.method, est.expected_s, est.upper_s, int(est.confident)),
    )


async def settle_predictions(
    tx: Tx, entry_id: str, answered_at: float | None, outcome: str
) -> None:
    """Fill in the actual wait of every prediction announced to this entry."""
    if answered_at is None:
        await tx.execute(
            "UPDATE handoff_predictions SET outcome = ? WHERE entry_id = ? AND outcome IS NULL",
            (outcome, entry_id),
        )
        return
    await tx.execute(
        "UPDATE handoff_predictions SET actual_s = ? - at, outcome = ? WHERE entry_id = ?"
        " AND outcome IS NULL",
        (answered_at, outcome, entry_id),
    )


async def accuracy(tx: Tx, since: float = 0.0) -> Accuracy:
    """MAE, bias and share inside the announced bound over predictions made since `since`."""
    rows = await tx.fetchall(
        "SELECT predicted_s, upper_s, actual_s, outcome FROM handoff_predictions"
        " WHERE at >= ? AND outcome IS NOT NULL",
        (since,),
    )
    served = [r for r in rows if r["actual_s"] is not None]
    abandoned = sum(1 for r in rows if r["outcome"] == "abandoned")
    if not served:
        return Accuracy(0, None, None, None, abandoned)
    errors = [float(r["predicted_s"]) - float(r["actual_s"]) for r in served]
    inside = sum(1 for r in served if float(r["actual_s"]) <= float(r["upper_s"]))
    return Accuracy(
        count=len(served),
        mae_s=statistics.fmean(abs(e) for e in errors),
        bias_s=statistics.fmean(errors),
        inside_bucket=inside / len(served),
        abandoned=abandoned,
    )


@dataclass(frozen=True)
class Workings:
    """Why the wait announced to the next person to join is what it is."""

    waiting: int
    """People waiting now (the next one joins behind them)."""
    agents: int
    """Staff signed in (busy or not)."""
    agents_idle: int
    handle_time_s: float
    """The handle time used: measured when there is history, else the configured default."""
    measured: bool
    handle_samples: int
    """How many recent handle times it was measured from."""
    confident_after: int
    """Handle times needed before an estimate is announced as sure."""
    wait_samples: int
    abandon_rate_per_s: float | None
    estimate: WaitEstimate


async def workings(tx: Tx, now: float, default_handle_time_s: float) -> Workings:
    """The estimator's inputs now and the estimate it gives someone joining the queue."""
    row = await tx.fetchone(
        "SELECT COUNT(*) AS n FROM handoff_entries WHERE status = ?", (WAITING,)
    )
    waiting = int(row["n"]) if row else 0
    snap = await snapshot(tx, now, ahead=waiting)
    measured = robust_handle_time(snap.handle_times_s)
    return Workings(
        waiting=waiting,
        agents=snap.agents_available,
        agents_idle=snap.agents_idle or 0,
        handle_time_s=measured if measured is not None else default_handle_time_s,
        measured=measured is not None,
        handle_samples=len(snap.handle_times_s),
        confident_after=MIN_CONFIDENT_HISTORY,
        wait_samples=len(snap.recent_waits_s),
        abandon_rate_per_s=snap.abandon_rate_per_s,
        estimate=estimate_wait(snap, default_handle_time_s=default_handle_time_s),
    )
