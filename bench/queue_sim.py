"""Simulation benchmark of wait-time predictors: Poisson arrivals, abandonment, several staffings.

Each scenario simulates a working day of one queue (FIFO, `s` staff at a given load per
member of staff, exponential or log-normal handle times with mean 300 s, exponential patience
with mean 900 s or none). At every arrival each predictor announces a wait; for everyone who
reached a person we score MAE and bias (predicted − actual), and over all real waits the
share at or under the announced bound (`upper_s`; for the baselines, their estimate rounded
up into the same buckets). Someone who gave up after the announced bound waited longer than
promised and counts as a miss; someone who gave up sooner is left out (we cannot know).
HUMANE.md asks for >= 90 % in every staffing pattern.

Predictors:
  ours         assist.handoff.estimator.estimate_wait (staffing known)
  ours-nostaff the same with staffing hidden (staffing_known=False: max(HOL, LES))
  queue-length plain (n+1)/(s·μ̂), μ̂ from the plain mean of recent handle times
  avg-waits    the average of the last 20 waits of people who reached a person

Run: .venv/bin/python bench/queue_sim.py [--hours 8] [--seeds 5]   (bounded to < 60 s)
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assist.handoff.estimator import QueueSnapshot, announce_bound, estimate_wait

MEAN_HANDLE_S = 300.0
MEAN_PATIENCE_S = 900.0
ARRIVAL_RATE = 1 / 40  # 7.5 erlangs offered (the default for `simulate`)
PATTERNS: tuple[tuple[int, float, float | None], ...] = (
    (1, 0.5, None),
    (1, 0.8, None),
    (1, 0.8, MEAN_PATIENCE_S),
    (2, 0.8, None),
    (2, 0.8, MEAN_PATIENCE_S),
    (3, 0.9, MEAN_PATIENCE_S),
    (6, 7.5 / 6, MEAN_PATIENCE_S),
    (7, 7.5 / 7, MEAN_PATIENCE_S),
    (8, 7.5 / 8, None),
    (8, 7.5 / 8, MEAN_PATIENCE_S),
    (10, 0.75, MEAN_PATIENCE_S),
)
"""Staffing patterns scored: (staff, offered load per member of staff, mean patience in
seconds or None for people who never give up). Loads over 1 are overloaded days that only
abandonment keeps finite."""
WARM_UP_S = 3600.0
DEFAULT_HANDLE_S = 360.0
PREDICTORS = ("ours", "ours-nostaff", "queue-length", "avg-waits")


@dataclass
class Score:
    """Accumulated errors of one predictor."""

    errors: list[float] = field(default_factory=list)
    inside: int = 0
    broken: int = 0
    """People who gave up after waiting longer than announced: their real wait was longer
    than the bound too, so they count as misses (leaving earlier says nothing either way)."""

    def add(self, predicted: float, upper: float, actual: float) -> None:
        self.errors.append(predicted - actual)
        self.inside += actual <= upper

    def gave_up(self, upper: float, waited: float) -> None:
        self.broken += waited > upper

    def coverage(self) -> float:
        """Per cent of real waits at or under the announced bound."""
        return 100.0 * self.inside / max(1, len(self.errors) + self.broken)

    def row(self) -> tuple[float, float, float]:
        return (
            statistics.fmean(abs(e) for e in self.errors),
            statistics.fmean(self.errors),
            self.coverage(),
        )


def handle_sampler(kind: str, rng: random.Random) -> Callable[[], float]:
    """Handle-time sampler with mean MEAN_HANDLE_S."""
    if kind == "exponential":
        return lambda: rng.expovariate(1 / MEAN_HANDLE_S)
    sigma = 0.8
    mu = math.log(MEAN_HANDLE_S) - sigma * sigma / 2
    return lambda: rng.lognormvariate(mu, sigma)


def simulate(
    staff: int,
    kind: str,
    hours: float,
    seed: int,
    arrival_rate: float = ARRIVAL_RATE,
    patience_s: float | None = MEAN_PATIENCE_S,
) -> dict[str, Score]:
    """One day of one queue with `staff` people, Poisson arrivals at `arrival_rate` per second
    and exponential patience of mean `patience_s` (None: nobody gives up); returns each
    predictor's score."""
    rng = random.Random(seed)
    handle = handle_sampler(kind, rng)
    horizon = hours * 3600
    events: list[tuple[float, int, str, int, float]] = []
    seq = 0

    def push(t: float, what: str, cid: int, dur: float = 0.0) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, what, cid, dur))

    arrived: dict[int, float] = {}
    predictions: dict[int, dict[str, tuple[float, float]]] = {}
    queue: deque[int] = deque()
    waiting: set[int] = set()
    idle = staff
    handle_times: deque[float] = deque(maxlen=50)
    waits: deque[float] = deque(maxlen=50)
    finished: deque[tuple[bool, float]] = deque(maxlen=200)
    scores = {p: Score() for p in PREDICTORS}
    push(rng.expovariate(arrival_rate), "arrive", 0)
    next_id = 1

    def abandon_rate() -> float | None:
        gave_up = sum(1 for a, _ in finished if a)
        exposure = sum(w for _, w in finished)
        return gave_up / exposure if gave_up >= 3 and exposure > 0 else None

    def start_service(now: float) -> None:
        nonlocal idle
        while idle and queue:
            cid = queue.popleft()
            if cid not in waiting:
                continue
            waiting.discard(cid)
            idle -= 1
            wait = now - arrived[cid]
            waits.append(wait)
            finished.append((False, wait))
            for name, (pred, upper) in predictions.pop(cid, {}).items():
                scores[name].add(pred, upper, wait)
            dur = handle()
            push(now + dur, "done", cid, dur)

    while events:
        now, _, what, cid, dur = heapq.heappop(events)
        if what == "arrive":
            if now >= horizon:
                continue
            push(now + rng.expovariate(arrival_rate), "arrive", next_id)
            next_id += 1
            ahead = len(waiting)
            head = next((c for c in queue if c in waiting), None)
            snap = QueueSnapshot(
                ahead=ahead,
                agents_available=staff,
                handle_times_s=list(handle_times),
                recent_waits_s=list(waits),
                head_wait_s=now - arrived[head] if head is not None else None,
                abandon_rate_per_s=abandon_rate(),
                agents_idle=idle,
            )
            hidden = QueueSnapshot(**{**snap.__dict__, "staffing_known": False})
            ours = estimate_wait(snap, default_handle_time_s=DEFAULT_HANDLE_S)
            blind = estimate_wait(hidden, default_handle_time_s=DEFAULT_HANDLE_S)
            mean_h = statistics.fmean(handle_times) if handle_times else DEFAULT_HANDLE_S
            ql = (ahead + 1) * mean_h / staff
            avg = statistics.fmean(list(waits)[-20:]) if waits else 0.0
            arrived[cid] = now
            if now >= WARM_UP_S:
                predictions[cid] = {
                    "ours": (ours.expected_s, ours.upper_s),
                    "ours-nostaff": (blind.expected_s, blind.upper_s),
                    "queue-length": (ql, announce_bound(ql)),
                    "avg-waits": (avg, announce_bound(avg)),
                }
            queue.append(cid)
            waiting.add(cid)
            if patience_s is not None:
                push(now + rng.expovariate(1 / patience_s), "patience", cid)
            start_service(now)
        elif what == "patience":
            if cid in waiting:
                waiting.discard(cid)
                for name, (_, upper) in predictions.pop(cid, {}).items():
                    scores[name].gave_up(upper, now - arrived[cid])
                finished.append((True, now - arrived[cid]))
        else:  # done
            idle += 1
            handle_times.append(dur)
            start_service(now)
    return scores


def main() -> None:
    """Run every scenario and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget-s", type=float, default=55.0)
    args = parser.parse_args()
    started = time.monotonic()
    print(
        f"load = offered erlangs per member of staff, mean handle {MEAN_HANDLE_S:.0f} s, "
        f"patience exponential, {args.hours:g} h x {args.seeds} seeds, "
        f"first {WARM_UP_S / 3600:g} h not scored"
    )
    header = (
        f"{'handle':<12}{'staff':>5}{'load':>6}{'patience':>8} {'served':>7}  {'predictor':<13}"
        f"{'MAE s':>8}{'bias s':>9}{'<=upper':>9}"
    )
    print(header)
    print("-" * len(header))
    totals: dict[str, Score] = {p: Score() for p in PREDICTORS}
    for kind in ("exponential", "lognormal"):
        for staff, load, patience in PATTERNS:
            rate = staff * load / MEAN_HANDLE_S
            merged = {p: Score() for p in PREDICTORS}
            for seed in range(args.seeds):
                if time.monotonic() - started > args.budget_s:
                    print(f"stopped: time budget of {args.budget_s:g} s used")
                    return
                scores = simulate(staff, kind, args.hours, 1000 * staff + seed, rate, patience)
                for name, sc in scores.items():
                    merged[name].errors += sc.errors
                    merged[name].inside += sc.inside
                    merged[name].broken += sc.broken
            for i, name in enumerate(PREDICTORS):
                sc = merged[name]
                totals[name].errors += sc.errors
                totals[name].inside += sc.inside
                totals[name].broken += sc.broken
                mae, bias, inside = sc.row()
                pat = "never" if patience is None else f"{patience:.0f}s"
                lead = (
                    f"{kind:<12}{staff:>5}{load:>6.2f}{pat:>8} {len(sc.errors):>7}"
                    if i == 0
                    else " " * 39
                )
                print(f"{lead}  {name:<13}{mae:>8.0f}{bias:>+9.0f}{inside:>8.1f}%")
    print("-" * len(header))
    for i, name in enumerate(PREDICTORS):
        mae, bias, inside = totals[name].row()
        lead = f"{'all':<31} {len(totals[name].errors):>7}" if i == 0 else " " * 39
        print(f"{lead}  {name:<13}{mae:>8.0f}{bias:>+9.0f}{inside:>8.1f}%")
    print(f"took {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
