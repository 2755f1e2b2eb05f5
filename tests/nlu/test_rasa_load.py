"""RasaClassifier under load: one parse per text in flight, a bounded queue, honest shedding."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from assist.nlu.fallback import TfidfClassifier
from assist.nlu.rasa import QUEUE_BUDGET_S, BreakerState, RasaClassifier
from tests.nlu.fakes import FakeRasa


@pytest.fixture
def serial_rasa() -> Iterator[FakeRasa]:
    """A fake Rasa answering one parse at a time, 40 ms each (Rasa's one worker, slowed)."""
    server = FakeRasa(intent="bin_day")
    server.serial_s = 0.04
    server.start()
    yield server
    server.stop()


async def test_the_same_text_arriving_together_is_parsed_once(
    serial_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    rasa = RasaClassifier(serial_rasa.url, 2.0, fallback, cross_check=False)
    try:
        answers = await asyncio.gather(*(rasa.classify("when are the bins") for _ in range(20)))
    finally:
        await rasa.aclose()
    assert serial_rasa.parses == 1
    assert rasa.shared_parses == 19
    assert {a.intent for a in answers} == {"bin_day"}
    assert {a.classifier for a in answers} == {"rasa"}


async def test_a_long_queue_is_answered_in_process_at_once_and_the_breaker_stays_closed(
    serial_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    # a timeout far above the queue budget, so that on a loaded machine no parse times out
    # (a timed-out parse is a failure, not a shed turn, and leaves the fake one more at once)
    timeout_s = 2.0
    rasa = RasaClassifier(serial_rasa.url, timeout_s, fallback, cross_check=False, max_in_flight=2)
    try:
        # learn Rasa's pace first (a few parses one after another)
        for i in range(3):
            assert (await rasa.classify(f"warm up number {i}")).classifier == "rasa"

        async def timed(text: str, after_s: float) -> tuple[str, float]:
            await asyncio.sleep(after_s)
            started = time.perf_counter()
            answer = await rasa.classify(text)
            return answer.classifier, time.perf_counter() - started

        # about 67 turns a second for a Rasa that reads 25 a second
        results = await asyncio.gather(
            *(timed(f"distinct sentence {i}", i * 0.015) for i in range(40))
        )
    finally:
        await rasa.aclose()
    by = [c for c, _ in results]
    assert serial_rasa.most_at_once <= 2, "more parses sent than slots"
    assert by.count("rasa") >= 8, "Rasa still reads what it has time for"
    assert rasa.shed_turns >= 10 and by.count("fallback") == rasa.shed_turns
    assert rasa.breaker.state is BreakerState.CLOSED, "a busy Rasa is not a failing one"
    assert rasa.last_error is None
    shed_waits = sorted(t for c, t in results if c == "fallback")
    assert shed_waits[len(shed_waits) // 2] < QUEUE_BUDGET_S, "shed turns are answered at once"
