"""Erlang C staffing figures for the supervisor view: P(wait), average speed of answer, SL."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Staffing:
    """Erlang C figures for one staffing level."""

    agents: int
    """N: staff answering."""
    load_erlangs: float
    """A: arrival rate × average handle time."""
    p_wait: float
    """Probability a contact has to wait at all."""
    asa_s: float
    """Average speed of answer (mean wait over everyone, including those not waiting)."""
    service_level: float
    """Share answered within `target_s`."""
    target_s: float
    occupancy: float
    """A / N: how busy staff are."""


def erlang_b(load: float, agents: int) -> float:
    """Erlang B blocking probability, by the numerically stable recurrence."""
    if load < 0 or agents < 0:
        raise ValueError("load and agents must be non-negative")
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def p_wait(load: float, agents: int) -> float:
    """Erlang C: probability an arriving contact waits; 1.0 when the queue is unstable (A ≥ N)."""
    if agents <= 0 or load >= agents:
        return 1.0
    if load == 0:
        return 0.0
    b = erlang_b(load, agents)
    return agents * b / (agents - load * (1 - b))


def average_speed_of_answer(load: float, agents: int, handle_time_s: float) -> float:
    """Mean wait in seconds over all contacts; infinite when A ≥ N."""
    if agents <= 0 or load >= agents:
        return math.inf
    return p_wait(load, agents) * handle_time_s / (agents - load)


def service_level(load: float, agents: int, handle_time_s: float, target_s: float) -> float:
    """Share of contacts answered within `target_s` seconds; 0.0 when A ≥ N."""
    if agents <= 0 or load >= agents:
        return 0.0
    pw = p_wait(load, agents)
    return 1.0 - pw * math.exp(-(agents - load) * target_s / handle_time_s)


def staffing(load: float, agents: int, handle_time_s: float, target_s: float = 60.0) -> Staffing:
    """All Erlang C figures for `agents` staff facing `load` erlangs."""
    return Staffing(
        agents=agents,
        load_erlangs=load,
        p_wait=p_wait(load, agents),
        asa_s=average_speed_of_answer(load, agents, handle_time_s),
        service_level=service_level(load, agents, handle_time_s, target_s),
        target_s=target_s,
        occupancy=min(1.0, load / agents) if agents > 0 else 1.0,
    )


def agents_needed(
    load: float, handle_time_s: float, target_s: float, target_level: float, limit: int = 2000
) -> int:
    """The fewest staff whose service level within `target_s` reaches `target_level`.

    Raises ValueError when `limit` staff would still not be enough.
    """
    if not 0 < target_level < 1:
        raise ValueError("target_level must be between 0 and 1")
    n = max(1, math.floor(load) + 1)
    while n <= limit:
        if service_level(load, n, handle_time_s, target_s) >= target_level:
            return n
        n += 1
    raise ValueError(f"more than {limit} staff needed")


def load_from_rate(contacts_per_hour: float, handle_time_s: float) -> float:
    """Offered load in erlangs from an arrival rate and an average handle time."""
    return contacts_per_hour * handle_time_s / 3600.0
