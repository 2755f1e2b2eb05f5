"""Supervisor figures per channel and language for a period, and their CSV export.

For each channel and language (and all together): contacts; resolved without a person;
handed to a person, by step; dropped, by step (in the dialogue, or while waiting); waits
(median, 90th percentile); how accurate announced waits were (mean error, share of real
waits within the announced bound); callbacks kept and failed; reports delivered, held and
failed. A conversation is *dropped* in the dialogue when it was left mid-way (not at an
ending) and untouched for `IDLE_S`; until then it is still in progress and not counted.
"""

from __future__ import annotations

import csv
import io
import json
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from assist.backend_client import reports
from assist.dialogue.prompts import Prompts
from assist.handoff import plain
from assist.handoff.entries import ABANDONED
from assist.handoff.queue import DROP_WINDOW_S, finalize_dropped
from assist.store import core
from assist.store.base import Tx

ALL = "all"
IDLE_S = DROP_WINDOW_S
"""A conversation untouched this long, not at an ending, was dropped."""
ENDINGS = frozenset({"main.anything_else", "main.goodbye", "common.goodbye"})
"""Steps where a conversation may stop with nothing left undone."""
WAITING_PREFIX = "queue:"
"""Marks a drop while waiting for a person (after the step they were handed over from)."""


@dataclass
class Group:
    """The figures of one channel and language (`all` for every one)."""

    channel: str
    language: str
    contacts: int = 0
    resolved_without_person: int = 0
    handed_to_person: int = 0
    handed_by_step: Counter[str] = field(default_factory=Counter)
    dropped: int = 0
    dropped_by_step: Counter[str] = field(default_factory=Counter)
    waits_s: list[float] = field(default_factory=list)
    estimates: list[tuple[float, float, float]] = field(default_factory=list)
    """(predicted, announced bound, actual) seconds for every settled estimate."""
    callbacks_kept: int = 0
    callbacks_failed: int = 0
    reports_delivered: int = 0
    reports_held: int = 0
    reports_failed: int = 0

    @property
    def wait_median_s(self) -> float | None:
        """The median wait for a person, or None without waits."""
        return statistics.median(self.waits_s) if self.waits_s else None

    @property
    def wait_p90_s(self) -> float | None:
        """The 90th percentile wait (nearest rank), or None without waits."""
        if not self.waits_s:
            return None
        xs = sorted(self.waits_s)
        return xs[max(0, math.ceil(0.9 * len(xs)) - 1)]

    @property
    def estimate_error_s(self) -> float | None:
        """Mean absolute error of announced estimates, or None without any."""
        if not self.estimates:
            return None
        return statistics.fmean(abs(p - a) for p, _u, a in self.estimates)

    @property
    def within_bound(self) -> float | None:
        """Share of real waits at or under the announced bound, or None without any."""
        if not self.estimates:
            return None
        return sum(1 for _p, u, a in self.estimates if a <= u) / len(self.estimates)


class Groups(dict[tuple[str, str], Group]):
    """Groups by (channel, language), with the total under (`all`, `all`)."""

    def each(self, channel: str, language: str) -> tuple[Group, Group]:
        """The total and the group of this channel and language (made when new)."""
        key = (channel or "?", language or "?")
        if key not in self:
            self[key] = Group(*key)
        return self[(ALL, ALL)], self[key]

    def ordered(self) -> list[Group]:
        """The total first, then by channel and language."""
        return [self[(ALL, ALL)], *(self[k] for k in sorted(self) if k != (ALL, ALL))]


async def period(tx: Tx, since: float, until: float, now: float) -> list[Group]:
    """The figures for conversations and hand-offs that started in [since, until)."""
    await finalize_dropped(tx, now)
    groups = Groups({(ALL, ALL): Group(ALL, ALL)})
    entries = await tx.fetchall(
        "SELECT session_id, channel, language, kind, status, enqueued_at, first_claimed_at,"
        " outcome, context, reason FROM handoff_entries WHERE enqueued_at >= ? AND enqueued_at < ?",
        (since, until),
    )
    queued = {str(e["session_id"]) for e in entries}
    languages: dict[str, str] = {}
    for s in await core.sessions_since(tx, since):
        state = s["state"]
        if float(state.get("created_at") or since) >= until:
            continue
        languages[str(s["id"])] = str(state.get("language", "?"))
        for g in groups.each(str(state.get("channel", "?")), languages[str(s["id"])]):
            g.contacts += 1
            if s["id"] in queued:
                continue
            position = f"{state.get('flow', '')}.{state.get('step', '')}"
            idle = now - float(state.get("updated_at") or 0) >= IDLE_S
            if s["status"] == "active" and position not in ENDINGS and idle:
                g.dropped += 1
                g.dropped_by_step[position] += 1
            elif s["status"] == "ended" or position in ENDINGS:
                g.resolved_without_person += 1
    for e in entries:
        step = _step_of(e)
        for g in groups.each(str(e["channel"]), str(e["language"])):
            g.handed_to_person += 1
            g.handed_by_step[step] += 1
            if e["first_claimed_at"] is not None:
                g.waits_s.append(float(e["first_claimed_at"]) - float(e["enqueued_at"]))
            elif e["status"] == ABANDONED:
                g.dropped += 1
                g.dropped_by_step[WAITING_PREFIX + step] += 1
            if e["kind"] == "callback" and e["outcome"] == "callback_unreachable":
                g.callbacks_failed += 1
            elif e["kind"] == "callback" and e["outcome"]:
                g.callbacks_kept += 1
    for p in await tx.fetchall(
        "SELECT p.predicted_s, p.upper_s, p.actual_s, e.channel, e.language"
        " FROM handoff_predictions p JOIN handoff_entries e ON e.id = p.entry_id"
        " WHERE p.at >= ? AND p.at < ? AND p.actual_s IS NOT NULL",
        (since, until),
    ):
        for g in groups.each(str(p["channel"]), str(p["language"])):
            g.estimates.append((float(p["predicted_s"]), float(p["upper_s"]), float(p["actual_s"])))
    for r in await _reports(tx, since, until):
        language = languages.get(str(r["session_id"]), "?")
        for g in groups.each(str(r["channel"] or "?"), language):
            g.reports_delivered += int(bool(r["delivered"]))
            g.reports_held += int(bool(r["held"]))
            g.reports_failed += int(bool(r["failed"]))
    return groups.ordered()


def _step_of(entry: dict[str, Any]) -> str:
    return str(json.loads(entry["context"]).get("step") or entry["reason"])


async def _reports(tx: Tx, since: float, until: float) -> list[dict[str, Any]]:
    try:
        return await reports.delivery_counts(tx, since, until)
    except Exception:  # a console run without the reports component
        return []


def step_label(prompts: Prompts, key: str) -> str:
    """A `handed_by_step`/`dropped_by_step` key in words."""
    if key.startswith(WAITING_PREFIX):
        after = plain.step_words(prompts, key.removeprefix(WAITING_PREFIX))
        return prompts.get("en", "console.dropped_waiting", step=after)
    return plain.step_words(prompts, key)


def by_step(prompts: Prompts, counts: Counter[str]) -> list[tuple[str, int]]:
    """Steps in words with their counts, most first (steps with the same words added up)."""
    out: Counter[str] = Counter()
    for key, n in counts.items():
        out[step_label(prompts, key)] += n
    return out.most_common()


COLUMNS = (
    "channel",
    "language",
    "contacts",
    "resolved_without_person",
    "handed_to_person",
    "dropped",
    "wait_median_s",
    "wait_p90_s",
    "estimates_checked",
    "estimate_error_s",
    "within_announced_bound",
    "callbacks_kept",
    "callbacks_failed",
    "reports_delivered",
    "reports_held",
    "reports_failed",
    "handed_to_person_by_step",
    "dropped_by_step",
)


def _num(x: float | None, digits: int = 0) -> str:
    return "" if x is None else f"{x:.{digits}f}"


def to_csv(groups: list[Group], prompts: Prompts) -> str:
    """The figures as CSV: one row per channel and language, the total first."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for g in groups:
        w.writerow(
            [
                g.channel if g.channel == ALL else plain.channel_name(g.channel),
                g.language,
                g.contacts,
                g.resolved_without_person,
                g.handed_to_person,
                g.dropped,
                _num(g.wait_median_s),
                _num(g.wait_p90_s),
                len(g.estimates),
                _num(g.estimate_error_s),
                _num(g.within_bound, 2),
                g.callbacks_kept,
                g.callbacks_failed,
                g.reports_delivered,
                g.reports_held,
                g.reports_failed,
                "; ".join(f"{k}: {n}" for k, n in by_step(prompts, g.handed_by_step)),
                "; ".join(f"{k}: {n}" for k, n in by_step(prompts, g.dropped_by_step)),
            ]
        )
    return out.getvalue()
