"""The wait estimator: predictors, rounding up into buckets, honest phrases, properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist.dialogue.prompts import Prompts
from assist.handoff.estimator import (
    QueueSnapshot,
    WaitEstimate,
    estimate_wait,
    queue_length_wait,
    robust_handle_time,
)

HISTORY = [300.0] * 20


def snap(ahead: int = 0, agents: int = 1, **kw: object) -> QueueSnapshot:
    base: dict[str, object] = {
        "ahead": ahead,
        "agents_available": agents,
        "handle_times_s": HISTORY,
        "recent_waits_s": [],
        "head_wait_s": None,
        "abandon_rate_per_s": None,
    }
    base.update(kw)
    return QueueSnapshot(**base)  # type: ignore[arg-type]


def test_queue_length_predictor() -> None:
    """Without abandonment E[W] = (n+1)/(s·μ): 4 ahead, 2 staff, 300 s handle time is 750 s."""
    est = estimate_wait(snap(ahead=4, agents=2))
    assert est.expected_s == pytest.approx(750.0)
    assert est.confident and est.method == "queue_length"


def test_abandonment_shortens_the_wait() -> None:
    """With abandonment E[W] = Σ_{i=0..n} 1/(s·μ + i·θ), below the no-abandonment figure."""
    mu, theta = 1 / 300, 1 / 600
    expected = sum(1 / (2 * mu + i * theta) for i in range(5))
    est = estimate_wait(snap(ahead=4, agents=2, abandon_rate_per_s=theta))
    assert est.expected_s == pytest.approx(expected)
    assert est.expected_s < 750.0
    assert queue_length_wait(4, 2, mu, None) == pytest.approx(750.0)


def test_no_history_uses_the_configured_default_and_says_so(prompts: Prompts) -> None:
    """With no handle times the default is used and the estimate is not confident."""
    est = estimate_wait(snap(ahead=1, agents=1, handle_times_s=[]), default_handle_time_s=240)
    assert est.expected_s == pytest.approx(480.0)
    assert not est.confident
    assert est.phrase(prompts, "en").startswith("probably ") and est.phrase(prompts, "en").endswith(
        "but we're not sure yet"
    )


def test_no_staff_known_falls_back_to_head_of_line_wait() -> None:
    """With no staff known a long head-of-line wait (HOL) sets the estimate."""
    est = estimate_wait(snap(ahead=2, agents=0, head_wait_s=2000.0))
    assert est.expected_s == pytest.approx(2000.0)
    assert est.method == "delay_history" and not est.confident
    assert est.upper_s >= 2000.0


def test_no_staff_and_empty_queue_uses_last_to_enter_service() -> None:
    """With nobody ahead and no staff known, the last wait that reached a person (LES) counts."""
    est = estimate_wait(snap(ahead=0, agents=0, recent_waits_s=[100.0, 1500.0]))
    assert est.expected_s == pytest.approx(1500.0)


def test_idle_staff_means_under_two_minutes(prompts: Prompts) -> None:
    """When more staff are free than people ahead, the wait is announced as under 2 minutes."""
    est = estimate_wait(snap(ahead=1, agents=3, agents_idle=2))
    assert est.expected_s == 0.0
    assert est.phrase(prompts, "en") == "less than 2 minutes"


def test_robust_handle_time_resists_one_stuck_session() -> None:
    """One forgotten 8-hour session barely moves the average handle time."""
    assert (robust_handle_time([300.0] * 19 + [28800.0]) or 0.0) <= 400.0
    assert robust_handle_time([]) is None


@pytest.mark.parametrize(
    ("upper", "en"),
    [
        (60, "less than 2 minutes"),
        (120, "less than 2 minutes"),
        (300, "about 5 minutes"),
        (600, "about 10 minutes"),
        (900, "about 15 minutes"),
        (1200, "about 20 minutes"),
        (1500, "more than 20 minutes"),
    ],
)
def test_buckets(upper: float, en: str, prompts: Prompts) -> None:
    """Announced bounds map onto the plain buckets of HUMANE.md 12."""
    assert WaitEstimate(upper / 2, upper, True).phrase(prompts, "en") == en


def test_estimates_are_rounded_up_into_buckets() -> None:
    """A 7-minute expectation is never announced as 5 minutes."""
    est = estimate_wait(snap(ahead=6, agents=5, handle_times_s=[350.0] * 20))
    assert est.upper_s >= est.expected_s
    assert est.upper_s in (600.0, 900.0)


@pytest.mark.parametrize(
    ("lang", "sure", "unsure"),
    [
        ("pl", "około 10 minut", "jeszcze nie wiemy dokładnie, ale prawdopodobnie około 10 minut"),
        ("lt", "apie 10 minučių", "dar tiksliai nežinome, bet tikriausiai apie 10 minučių"),
        ("ro", "aproximativ 10 minute", "încă nu știm sigur, dar probabil aproximativ 10 minute"),
        (
            "pt",
            "cerca de 10 minutos",
            "ainda não temos a certeza, mas provavelmente cerca de 10 minutos",
        ),
        ("xx", "about 10 minutes", "probably about 10 minutes, but we're not sure yet"),
    ],
)
def test_phrases_in_every_language(lang: str, sure: str, unsure: str, prompts: Prompts) -> None:
    """Each supported language has bucket phrases and an honest 'not sure' wording."""
    assert WaitEstimate(500, 600, True).phrase(prompts, lang) == sure
    assert WaitEstimate(500, 600, False).phrase(prompts, lang) == unsure


def test_negative_inputs_are_refused() -> None:
    """A negative count of people ahead is a bug, not a wait."""
    with pytest.raises(ValueError, match="non-negative"):
        estimate_wait(snap(ahead=-1))


times = st.lists(st.floats(1, 7200), max_size=60)
snapshots = st.builds(
    QueueSnapshot,
    ahead=st.integers(0, 200),
    agents_available=st.integers(0, 60),
    handle_times_s=times,
    recent_waits_s=st.lists(st.floats(0, 7200), max_size=20),
    head_wait_s=st.none() | st.floats(0, 7200),
    abandon_rate_per_s=st.none() | st.floats(0, 0.05),
    agents_idle=st.none() | st.integers(0, 60),
)


@given(snapshots)
def test_estimates_are_non_negative_and_upper_covers_expected(s: QueueSnapshot) -> None:
    """Every estimate is non-negative and what we announce is never below what we expect."""
    est = estimate_wait(s)
    assert est.expected_s >= 0
    assert est.upper_s >= est.expected_s


@given(snapshots, st.integers(1, 50))
def test_more_people_ahead_never_shortens_the_wait(s: QueueSnapshot, more: int) -> None:
    """The estimate is non-decreasing in the number of people ahead."""
    longer = QueueSnapshot(**{**s.__dict__, "ahead": s.ahead + more})
    a, b = estimate_wait(s), estimate_wait(longer)
    assert b.expected_s >= a.expected_s - 1e-9
    assert b.upper_s >= a.upper_s


@given(snapshots, st.integers(1, 20))
def test_more_staff_never_lengthens_the_wait(s: QueueSnapshot, more: int) -> None:
    """The estimate is non-increasing in the number of staff available."""
    bigger = QueueSnapshot(**{**s.__dict__, "agents_available": s.agents_available + more})
    a, b = estimate_wait(s), estimate_wait(bigger)
    assert b.expected_s <= a.expected_s + 1e-9
    assert b.upper_s <= a.upper_s


def test_unknown_staffing_uses_delay_history() -> None:
    """When staffing is unknown the larger of HOL and LES is the estimate, never confident."""
    est = estimate_wait(
        snap(ahead=3, agents=0, staffing_known=False, head_wait_s=400.0, recent_waits_s=[250.0])
    )
    assert est.expected_s == pytest.approx(400.0)
    assert est.method == "delay_history" and not est.confident
    assert est.upper_s == 600.0
