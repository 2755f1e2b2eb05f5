"""Several Rasa replicas: turns spread round robin, each replica with its own breaker, a
replica that is down skipped, and the setting naming them checked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from assist.nlu.fallback import TfidfClassifier
from assist.nlu.rasa import BreakerState
from assist.nlu.replicas import RasaReplicas, rasa_from_urls
from assist.settings import Settings
from tests.nlu.fakes import FakeRasa, free_port


@pytest.fixture
def two() -> Iterator[tuple[FakeRasa, FakeRasa]]:
    """Two fake Rasa servers, both answering."""
    a, b = FakeRasa("bin_day"), FakeRasa("missed_bin")
    a.start()
    b.start()
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


def replicas(urls: list[str], fallback: TfidfClassifier) -> RasaReplicas:
    made = rasa_from_urls(urls, 0.8, fallback, ("en",))
    assert isinstance(made, RasaReplicas)
    for r in made.replicas:
        r.cross_check = False  # each replica's own answer, unmixed
    return made


async def test_turns_are_spread_round_robin(
    two: tuple[FakeRasa, FakeRasa], fallback: TfidfClassifier
) -> None:
    """With two replicas answering, consecutive turns go to each in turn."""
    a, b = two
    nlu = replicas([a.url, b.url], fallback)
    try:
        intents = [(await nlu.classify(f"sentence {n}")).intent for n in range(6)]
    finally:
        await nlu.aclose()
    assert intents == ["bin_day", "missed_bin"] * 3
    assert a.parses == 3 and b.parses == 3


async def test_a_replica_that_is_down_is_skipped_and_its_breaker_alone_opens(
    two: tuple[FakeRasa, FakeRasa], fallback: TfidfClassifier
) -> None:
    """With one replica refusing connections every turn is still answered by Rasa (the
    other replica), the down one's breaker opens, the other's stays closed, and /healthz
    says one of two answers."""
    a, _ = two
    down = f"http://127.0.0.1:{free_port()}"
    nlu = replicas([down, a.url], fallback)
    try:
        results = [await nlu.classify(f"sentence {n}") for n in range(8)]
        assert {r.classifier for r in results} == {"rasa"}
        assert nlu.replicas[0].breaker.state is BreakerState.OPEN
        assert nlu.replicas[1].breaker.state is BreakerState.CLOSED
        health = await nlu.health()
        assert health["answering"] == 1 and len(health["replicas"]) == 2
    finally:
        await nlu.aclose()
    assert a.parses == 8


async def test_with_every_replica_down_the_fallback_answers(fallback: TfidfClassifier) -> None:
    """No replica answering: the in-process classifier answers every turn, quickly once
    the breakers are open."""
    nlu = replicas([f"http://127.0.0.1:{free_port()}" for _ in range(2)], fallback)
    try:
        results = [await nlu.classify("when is my bin collected") for _ in range(8)]
        assert {r.classifier for r in results} == {"fallback"}
        assert all(r.breaker.state is BreakerState.OPEN for r in nlu.replicas)
    finally:
        await nlu.aclose()


async def test_the_watcher_picks_a_replica_up_when_it_comes_back(
    fallback: TfidfClassifier,
) -> None:
    """A replica down at start is asked by its own watcher and used once it answers."""
    late = FakeRasa("missed_bin")
    up = FakeRasa("bin_day")
    up.start()
    nlu = replicas([up.url, late.url], fallback)
    stop = asyncio.Event()
    watching = asyncio.create_task(nlu.watch(stop))
    try:
        await asyncio.sleep(0.3)
        assert nlu.replicas[1].breaker.state is BreakerState.OPEN
        late.start()
        for _ in range(50):
            if nlu.replicas[1].breaker.state is BreakerState.CLOSED:
                break
            await asyncio.sleep(0.1)
        intents = {(await nlu.classify(f"sentence {n}")).intent for n in range(4)}
        assert intents == {"bin_day", "missed_bin"}
    finally:
        stop.set()
        await watching
        await nlu.aclose()
        up.stop()
        late.stop()


def test_the_setting_takes_several_urls(tmp_path: Path) -> None:
    """ASSIST_RASA_URL takes comma-separated URLs (spaces allowed); each must be an http(s)
    URL and none may appear twice."""

    def settings(url: str) -> Settings:
        return Settings(_env_file=None, data_dir=tmp_path, rasa_url=url)  # type: ignore[call-arg]

    s = settings("http://rasa1:5005, http://rasa2:5005")
    assert s.rasa_urls == ["http://rasa1:5005", "http://rasa2:5005"]
    assert settings("http://rasa1:5005").rasa_urls == ["http://rasa1:5005"]
    assert settings("").rasa_urls == []
    for bad in ("http://rasa1:5005,ftp://x", "http://a:5005,,http://b:5005", "http://a,http://a"):
        with pytest.raises(ValidationError):
            settings(bad)
