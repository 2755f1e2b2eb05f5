"""Erlang C figures for the supervisor's staffing calculator."""

import math

import pytest

from assist.handoff import erlang


def test_humane_test_vector() -> None:
    """A=48 erlangs, N=55, AHT 240 s gives P(wait)=0.2387, ASA=8.18 s, SL(15 s)=0.8459."""
    assert erlang.p_wait(48, 55) == pytest.approx(0.2387, abs=5e-5)
    assert erlang.average_speed_of_answer(48, 55, 240) == pytest.approx(8.18, abs=5e-3)
    assert erlang.service_level(48, 55, 240, 15) == pytest.approx(0.8459, abs=5e-5)


def test_unstable_queue_always_waits() -> None:
    """With no more staff than load, everyone waits and the average wait is unbounded."""
    assert erlang.p_wait(10, 10) == 1.0
    assert math.isinf(erlang.average_speed_of_answer(12, 10, 240))
    assert erlang.service_level(12, 10, 240, 60) == 0.0


def test_agents_needed_is_the_smallest_meeting_target() -> None:
    """agents_needed returns the fewest staff reaching the service level; one fewer misses."""
    n = erlang.agents_needed(48, 240, 15, 0.8)
    assert erlang.service_level(48, n, 240, 15) >= 0.8
    assert erlang.service_level(48, n - 1, 240, 15) < 0.8


def test_load_from_rate() -> None:
    """720 contacts an hour at 240 s each is 48 erlangs."""
    assert erlang.load_from_rate(720, 240) == pytest.approx(48)
