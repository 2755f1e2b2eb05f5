"""`assist serve` answers at once without Rasa, says which classifier answers, and picks Rasa
up when it appears: a real socket nothing listens on, then a tiny server answering like
Rasa's /status and /model/parse on that port."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assist.cli import which_classifier
from assist.nlu.cache import ParseCache
from assist.nlu.fallback import TfidfClassifier
from assist.nlu.rasa import BreakerState, RasaClassifier
from assist.settings import Settings
from tests.nlu.fakes import FakeRasa, free_port

REPO = Path(__file__).resolve().parents[2]


def settings_for(url: str, tmp_path: Path) -> Settings:
    """Settings with this Rasa URL and nothing read from a .env file."""
    return Settings(_env_file=None, data_dir=tmp_path, rasa_url=url)  # type: ignore[call-arg]


def test_start_up_line_names_the_classifier(tmp_path: Path) -> None:
    """Empty ASSIST_RASA_URL, nothing listening, and Rasa answering each give one line."""
    assert which_classifier(settings_for("", tmp_path)) == (
        "Understanding: the in-process classifier (ASSIST_RASA_URL is empty)"
    )
    fake = FakeRasa()
    started = time.perf_counter()
    down = which_classifier(settings_for(fake.url, tmp_path))
    assert time.perf_counter() - started < 1.5  # one quick look, no waiting
    assert down == (
        f"Rasa is not answering at {fake.url}; using the in-process classifier until it does"
    )
    fake.start()
    try:
        up = which_classifier(settings_for(fake.url, tmp_path))
    finally:
        fake.stop()
    assert up.startswith(f"Understanding: Rasa at {fake.url} (model nlu-fake.tar.gz)")


async def test_nothing_listening_answers_at_once_then_rasa_is_picked_up(
    fallback: TfidfClassifier, caplog: pytest.LogCaptureFixture
) -> None:
    """While nothing listens, turns are answered by the in-process classifier without trying
    the network; when a server starts answering on that port, the watcher closes the breaker
    within a few intervals and says so once; the next turn is Rasa's."""
    fake = FakeRasa(intent="bin_day")
    rasa = RasaClassifier(fake.url, 0.5, fallback, cross_check=False)
    stop = asyncio.Event()
    caplog.set_level(logging.WARNING, logger="assist.nlu")
    watcher = asyncio.create_task(rasa.watch(stop, interval_s=0.1))
    try:
        for _ in range(50):
            if rasa.answering is False:
                break
            await asyncio.sleep(0.02)
        assert rasa.breaker.state is BreakerState.OPEN
        started = time.perf_counter()
        first = await rasa.classify("when are my bins collected")
        assert time.perf_counter() - started < 0.2
        assert first.classifier == "fallback"
        await asyncio.to_thread(fake.start)
        for _ in range(100):
            if rasa.answering:
                break
            await asyncio.sleep(0.05)
        result = await rasa.classify("when are my bins collected")
        assert (result.classifier, result.intent) == ("rasa", "bin_day")
        assert fake.parses == 1
        picked = [r.getMessage() for r in caplog.records if "Rasa is answering" in r.getMessage()]
        assert picked == [f"Rasa is answering at {fake.url} (model nlu-fake.tar.gz); it reads "
                          "free text from now on"]  # fmt: skip
        await asyncio.to_thread(fake.stop)
        for _ in range(3):  # the turns notice first; then the watcher says so once
            await rasa.classify("there is a pothole in my road")
        for _ in range(100):
            if rasa.answering is False:
                break
            await asyncio.sleep(0.05)
        lost = [r.getMessage() for r in caplog.records if "is not answering" in r.getMessage()]
        assert len(lost) == 1
    finally:
        stop.set()
        await watcher
        await asyncio.to_thread(fake.stop)
        await rasa.aclose()


async def test_repeated_short_texts_ask_rasa_once(fallback: TfidfClassifier) -> None:
    """With a parse cache, a short text said again is answered from Rasa's first reading;
    a long one is asked each time."""
    fake = FakeRasa(intent="bin_day")
    await asyncio.to_thread(fake.start)
    rasa = RasaClassifier(fake.url, 1.0, fallback, cache=ParseCache())
    try:
        for _ in range(3):
            assert (await rasa.classify("bins")).classifier == "rasa"
        long = "when are the bins collected on our street, it has been two weeks now, please"
        for _ in range(2):
            await rasa.classify(long)
    finally:
        await rasa.aclose()
        await asyncio.to_thread(fake.stop)
    assert fake.parses == 3
    assert rasa.cached_turns == 2


@pytest.mark.slow
def test_assist_serve_without_rasa_answers_at_once(tmp_path: Path) -> None:
    """`assist serve` with a Rasa URL nothing listens on prints the one line and answers
    /healthz as soon as it has loaded, without waiting for Rasa."""
    port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "ASSIST_DATA_DIR": str(tmp_path),
        "ASSIST_RASA_URL": f"http://127.0.0.1:{rasa_port}",
        "ASSIST_PORT": str(port),
        "PYTHONPATH": str(REPO),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "assist.cli", "serve"],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 40
        healthy = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                healthy = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code in (
                    200,
                    503,
                )
            except httpx.HTTPError:
                time.sleep(0.2)
            if healthy:
                break
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert healthy, err
    assert (
        f"Rasa is not answering at http://127.0.0.1:{rasa_port}; "
        "using the in-process classifier until it does"
    ) in err.splitlines()
    assert "Waiting for Rasa" not in err
