"""Against the real Rasa server started by the test command (ASSIST_RASA_URL or :5005)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest

from assist.nlu.fallback import TfidfClassifier
from assist.nlu.rasa import BreakerState, RasaClassifier
from tests.nlu.fakes import TcpProxy
from tests.nlu.sentences import OFF_TOPIC, SAFEGUARDING, UNSEEN

pytestmark = pytest.mark.rasa

THRESHOLD = 0.45
SERVICE_INTENTS = {
    "bin_day", "missed_bin", "report_pothole", "report_flytipping", "report_streetlight",
    "request_status", "council_tax", "blue_badge", "school_transport", "adult_social_care",
    "safeguarding", "library", "opening_hours", "reminders",
}  # fmt: skip


@pytest.fixture
async def rasa(rasa_url: str, fallback: TfidfClassifier) -> AsyncIterator[RasaClassifier]:
    """A RasaClassifier on the real server (generous timeout: correctness, not speed)."""
    classifier = RasaClassifier(rasa_url, 5.0, fallback)
    yield classifier
    await classifier.aclose()


@pytest.mark.parametrize("lang", sorted(SAFEGUARDING))
async def test_safeguarding_sentences_reach_safeguarding(rasa: RasaClassifier, lang: str) -> None:
    """Rasa sends children left alone and a parent hurt by a carer to safeguarding, confidently,
    in every language."""
    for sentence in SAFEGUARDING[lang]:
        result = await rasa.classify(sentence)
        assert result.classifier == "rasa"
        assert (result.intent, result.confidence >= THRESHOLD) == ("safeguarding", True), (
            sentence,
            result,
        )


@pytest.mark.parametrize("lang", sorted(UNSEEN))
async def test_unseen_sentences_are_understood(rasa: RasaClassifier, lang: str) -> None:
    """Rasa gets at least 85% of unseen sentences right above the threshold in each language
    and sends none confidently to a wrong service."""
    results = [(s, want, await rasa.classify(s)) for s, want in UNSEEN[lang]]
    assert {r.classifier for _, _, r in results} == {"rasa"}
    right = [s for s, want, r in results if r.intent == want and r.confidence >= THRESHOLD]
    wrong_service = [
        (s, r.intent)
        for s, want, r in results
        if r.intent != want and r.confidence >= THRESHOLD and r.intent in SERVICE_INTENTS
    ]
    assert len(right) / len(results) >= 0.85, [(s, r) for s, _, r in results if s not in right]
    assert wrong_service == []


async def test_most_off_topic_sentences_are_not_sent_to_a_service(rasa: RasaClassifier) -> None:
    """At most one in eight off-topic sentences goes confidently to a council service."""
    results = [(s, await rasa.classify(s)) for s in OFF_TOPIC]
    confident_service = [
        (s, r.intent)
        for s, r in results
        if r.intent in SERVICE_INTENTS and r.confidence >= THRESHOLD
    ]
    assert len(confident_service) <= len(OFF_TOPIC) // 8, confident_service


async def test_parse_is_fast(rasa: RasaClassifier) -> None:
    """A parse by the real server takes well under Settings.rasa_timeout_s (0.8 s)."""
    await rasa.classify("warm up")
    started = time.perf_counter()
    for _ in range(10):
        await rasa.classify("my bin was not collected")
    assert (time.perf_counter() - started) / 10 < 0.4


async def test_real_rasa_cut_off_then_back(rasa_url: str, fallback: TfidfClassifier) -> None:
    """The real Rasa becoming unreachable mid-conversation (its proxy stops): the fallback
    answers within the budget; when it is reachable again, the next turn after the cool-down
    is Rasa's, without restarting anything."""
    target = urlsplit(rasa_url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5005)
    await proxy.start()
    classifier = RasaClassifier(proxy.url, 0.8, fallback, failure_threshold=2, cooldown_s=0.5)
    try:
        assert (await classifier.classify("my bin was missed")).classifier == "rasa"
        await proxy.stop()
        for _ in range(3):
            started = time.perf_counter()
            result = await classifier.classify("i need to speak to a person")
            assert time.perf_counter() - started < 1.2
            assert (result.classifier, result.intent) == ("fallback", "human")
        assert classifier.breaker.state.value == BreakerState.OPEN.value
        await proxy.start()
        time.sleep(0.5)
        result = await classifier.classify("i need to speak to a person")
        assert (result.classifier, result.intent) == ("rasa", "human")
    finally:
        await classifier.aclose()
        await proxy.stop()
