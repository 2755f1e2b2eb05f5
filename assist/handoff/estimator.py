"""Honest wait-time estimates (pure functions): predictors, buckets rounded up, plain phrases.

Where the knowledge comes from (HUMANE.md, "Honest wait-time estimation"):

- Queue-length predictor (Whitt 1999): with n people ahead and s staff serving at rate μ
  each, the wait is the time for n+1 service completions, E[W] = (n+1)/(s·μ).
- With abandonment at rate θ per waiting person (Whitt 2006; Ibrahim & Whitt 2009), the
  i-th gap is shortened by the i people ahead who may give up: E[W] = Σ_{i=0..n} 1/(s·μ+i·θ).
  The gaps are independent exponentials, so the variance is Σ 1/(s·μ+i·θ)²; a gamma with
  that mean and variance (Wilson–Hilferty quantile) gives the bound we announce.
- Delay-history predictors when staffing is not known (Ibrahim & Whitt 2009-11): the
  head-of-line wait (HOL) and the wait of the last person to reach a person (LES).
- No history yet: a configured default handle time, and the estimate says it is unsure.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from assist.dialogue.prompts import Prompts

MIN_CONFIDENT_HISTORY = 10
"""Completed handle times needed before an estimate counts as confident."""
RECENT_LIMIT = 50
"""Only this many of the most recent handle times are used."""
CONFIDENT_QUANTILE = 0.92
"""The announced bound covers this share of waits when data is good (HUMANE.md asks for
>= 90 % of real waits inside it in every staffing pattern; 0.8 gave 85 % for one member of
staff at 80 % load with patient callers, as bench/queue_sim.py measures; 0.92 leaves room
for the error in the measured handle time)..."""
UNSURE_QUANTILE = 0.95
"""...and this share when it is thin (we would rather over- than under-promise)."""

BUCKETS_S: tuple[int, ...] = (120, 300, 600, 900, 1200)
"""Announced upper bounds: less than 2 min, about 5, 10, 15, 20 min; beyond is "more than 20"."""
PHRASE_KEYS: tuple[str, ...] = (
    "wait.less_than_2",
    "wait.about_5",
    "wait.about_10",
    "wait.about_15",
    "wait.about_20",
    "wait.more_than_20",
)
"""The prompt of each bucket of `BUCKETS_S`, then the one beyond the last."""
NOT_SURE_KEY = "wait.not_sure"
"""Wraps a bucket's words (`{wait}`) when the estimate is not confident."""


@dataclass(frozen=True)
class QueueSnapshot:
    """What the queue knows when someone asks how long they will wait."""

    ahead: int
    """People ahead in the same queue."""
    agents_available: int
    """Staff signed in and serving this queue (busy or not); 0 when none are known."""
    handle_times_s: Sequence[float]
    """Recent completed handle times, oldest first."""
    recent_waits_s: Sequence[float]
    """Waits of recent people who reached a person, oldest first (the last is LES)."""
    head_wait_s: float | None
    """How long the head of the queue has waited (HOL), or None when the queue is empty."""
    abandon_rate_per_s: float | None
    """Rate at which one waiting person gives up (θ), or None when unknown."""
    agents_idle: int | None = None
    """Of `agents_available`, how many are free right now; None when unknown."""
    staffing_known: bool = True
    """False when the queue cannot tell who is serving: `agents_available` is then ignored
    and the delay history (HOL, LES) is used instead."""


@dataclass(frozen=True)
class WaitEstimate:
    """A wait estimate and what we announce."""

    expected_s: float
    """Best estimate of the wait, in seconds."""
    upper_s: float
    """What we announce ("less than"/"about"): a bucket bound, rounded up."""
    confident: bool
    """False when data is thin; the phrase then says we are not sure."""
    method: str = "queue_length"
    """Which predictor gave it: idle_agent, queue_length, delay_history, default."""

    def phrase(self, prompts: Prompts, lang: str = "en") -> str:
        """The announced wait in plain words in `lang` (`wait.*` prompts; English when `lang`
        has none)."""
        text = prompts.get_or_english(lang, PHRASE_KEYS[_bucket_index(self.upper_s)])
        return text if self.confident else prompts.get_or_english(lang, NOT_SURE_KEY, wait=text)


def robust_handle_time(handle_times_s: Sequence[float]) -> float | None:
    """A robust average handle time: winsorised at 5 % / 95 % and capped at 5 × the median.

    The cap keeps one forgotten session from swamping a short history; winsorising rather
    than trimming keeps the mean nearly unbiased for skewed (exponential, log-normal) times.
    Returns None when there is no usable history.
    """
    xs = sorted(x for x in list(handle_times_s)[-RECENT_LIMIT:] if x > 0 and math.isfinite(x))
    if not xs:
        return None
    n = len(xs)
    lo = xs[int(0.05 * (n - 1))]
    hi = min(xs[math.ceil(0.95 * (n - 1))], 5 * statistics.median(xs))
    return statistics.fmean(min(max(x, lo), hi) for x in xs)


def queue_length_wait(ahead: int, agents: int, mu: float, theta: float | None) -> float:
    """E[W] = Σ_{i=0..n} 1/(s·μ + i·θ) (θ = 0 gives (n+1)/(s·μ))."""
    rate, th = agents * mu, max(theta or 0.0, 0.0)
    if th == 0:
        return (ahead + 1) / rate
    return math.fsum(1.0 / (rate + i * th) for i in range(ahead + 1))


def _queue_length_var(ahead: int, agents: int, mu: float, theta: float | None) -> float:
    rate, th = agents * mu, max(theta or 0.0, 0.0)
    if th == 0:
        return (ahead + 1) / rate**2
    return math.fsum(1.0 / (rate + i * th) ** 2 for i in range(ahead + 1))


def _handle_time_rel_var(handle_times_s: Sequence[float]) -> float:
    """The squared relative standard error of the measured average handle time (CV² / n).

    The wait scales with the average handle time, so its error widens the bound: with 50
    recent times of an exponential spread the average is off by about 14 %.
    """
    xs = [x for x in list(handle_times_s)[-RECENT_LIMIT:] if x > 0 and math.isfinite(x)]
    if len(xs) < 2:
        return 0.0
    mean = statistics.fmean(xs)
    return (statistics.variance(xs) / (mean * mean)) / len(xs)


def _z(q: float) -> float:
    return statistics.NormalDist().inv_cdf(q)


def gamma_quantile(mean: float, var: float, q: float) -> float:
    """The q-quantile of a gamma with this mean and variance (Wilson–Hilferty)."""
    if mean <= 0:
        return 0.0
    if var <= 0:
        return mean
    k = mean * mean / var
    c = 1.0 / (9.0 * k)
    return max(mean, mean * max(0.0, 1.0 - c + _z(q) * math.sqrt(c)) ** 3)


def announce_bound(seconds: float) -> float:
    """Round a wait up to the bucket we would announce (beyond 20 min: up to 5 minutes)."""
    for b in BUCKETS_S:
        if seconds <= b:
            return float(b)
    return float(math.ceil(seconds / 300.0) * 300)


def _bucket_index(upper_s: float) -> int:
    for i, b in enumerate(BUCKETS_S):
        if upper_s <= b:
            return i
    return len(BUCKETS_S)


UNKNOWN_STAFFING_MARGIN = 1.25
"""Delay-history estimates are announced with this much headroom before rounding up."""


def _delay_history(snapshot: QueueSnapshot, fallback_s: float) -> tuple[float, bool]:
    """max(HOL when someone is ahead, LES, else `fallback_s`); True when history was used.

    Taking the maximum keeps the estimate non-decreasing in the number of people ahead.
    """
    candidates: list[float] = []
    if snapshot.recent_waits_s:
        candidates.append(max(0.0, float(snapshot.recent_waits_s[-1])))
    else:
        candidates.append(fallback_s)
    if snapshot.head_wait_s is not None and snapshot.ahead > 0:
        candidates.append(max(0.0, snapshot.head_wait_s))
    used = bool(snapshot.recent_waits_s) or len(candidates) > 1
    return max(candidates), used


def estimate_wait(snapshot: QueueSnapshot, *, default_handle_time_s: float = 360.0) -> WaitEstimate:
    """Estimate how long someone joining behind `snapshot.ahead` people will wait.

    - Free staff for everyone ahead: under 2 minutes, confidently.
    - Staff known: the queue-length predictor with abandonment; confident once there are
      `MIN_CONFIDENT_HISTORY` handle times, else the default handle time is used.
    - Nobody serving (`agents_available == 0`): the larger of the delay history and the
      queue-length figure for one member of staff; never confident.
    - Staffing unknown (`staffing_known` False): the delay history alone, max(HOL, LES),
      with the one-person queue-length figure standing in for LES; never confident.
    Raises ValueError for a negative `ahead` or `agents_available`.
    """
    if snapshot.ahead < 0 or snapshot.agents_available < 0:
        raise ValueError("ahead and agents_available must be non-negative")
    idle = snapshot.agents_idle
    if (
        snapshot.staffing_known
        and idle is not None
        and min(idle, snapshot.agents_available) > snapshot.ahead
    ):
        return WaitEstimate(0.0, float(BUCKETS_S[0]), True, "idle_agent")
    measured = robust_handle_time(snapshot.handle_times_s)
    handle = measured if measured is not None else default_handle_time_s
    mu = 1.0 / max(handle, 1.0)
    enough = len(snapshot.handle_times_s) >= MIN_CONFIDENT_HISTORY and measured is not None
    theta = snapshot.abandon_rate_per_s
    if snapshot.agents_available > 0 and snapshot.staffing_known:
        s = snapshot.agents_available
        mean = queue_length_wait(snapshot.ahead, s, mu, theta)
        var = _queue_length_var(snapshot.ahead, s, mu, theta)
        var += mean * mean * _handle_time_rel_var(snapshot.handle_times_s)
        q = CONFIDENT_QUANTILE if enough else UNSURE_QUANTILE
        upper = announce_bound(gamma_quantile(mean, var, q))
        return WaitEstimate(mean, upper, enough, "queue_length" if measured else "default")
    floor = queue_length_wait(snapshot.ahead, 1, mu, theta)
    floor_var = _queue_length_var(snapshot.ahead, 1, mu, theta)
    floor_var += floor * floor * _handle_time_rel_var(snapshot.handle_times_s)
    history, used = _delay_history(snapshot, floor)
    method = "delay_history" if used else "default"
    if not snapshot.staffing_known:
        return WaitEstimate(
            history, announce_bound(history * UNKNOWN_STAFFING_MARGIN), False, method
        )
    mean = max(floor, history)
    upper = announce_bound(max(gamma_quantile(floor, floor_var, UNSURE_QUANTILE), mean))
    return WaitEstimate(mean, upper, False, method)
