"""RasaClassifier: answers from Rasa, falls back when Rasa stops or hangs, notices its return."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from assist.dialogue.engine import Engine
from assist.dialogue.nlu import SERVICE_INTENTS, Classification
from assist.nlu.crosscheck import agree
from assist.nlu.fallback import TfidfClassifier
from assist.nlu.rasa import BreakerState, CircuitBreaker, RasaClassifier
from assist.nlu.safety import alone as safety_alone
from tests.dialogue.helpers import new_session, say
from tests.nlu.fakes import FakeRasa, free_port

TIMEOUT_S = 0.3
COOLDOWN_S = 0.5
BUDGET_S = TIMEOUT_S + 0.4  # what one turn may take at worst, with the fallback's work


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    """A fake Rasa server on a spare port, stopped after the test."""
    server = FakeRasa(intent="bin_day")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def classifier(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> AsyncIterator[RasaClassifier]:
    """A RasaClassifier on the fake server with a short timeout and cool-down."""
    rasa = RasaClassifier(
        fake_rasa.url,
        TIMEOUT_S,
        fallback,
        failure_threshold=2,
        cooldown_s=COOLDOWN_S,
        cross_check=False,
    )
    yield rasa
    await rasa.aclose()


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """The breaker's state, read afresh (keeps type checkers from over-narrowing)."""
    return breaker.state


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_probes_after_cooldown() -> None:
    """Closed until N failures; open (no calls) during the cool-down; then one probe at a
    time; a successful probe closes it, a failed one opens it again."""
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=3, cooldown_s=10, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.allow()
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN
    assert not breaker.allow()
    clock.now += 10
    assert state_of(breaker) is BreakerState.HALF_OPEN
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one probe at a time
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN
    clock.now += 10
    assert breaker.allow()
    breaker.record_success()
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.allow()


def test_breaker_success_resets_the_failure_count() -> None:
    """Failures must be consecutive to open the breaker."""
    breaker = CircuitBreaker(failure_threshold=2, cooldown_s=10, clock=Clock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.CLOSED


async def test_rasa_answer_is_mapped(classifier: RasaClassifier) -> None:
    """Rasa's intent, confidence and ranking come back with classifier="rasa", plus entities
    from Assist's own extractor and the detected language."""
    result = await classifier.classify("when is the bin collected for CB1 2AD")
    assert result.classifier == "rasa"
    assert (result.intent, result.confidence) == ("bin_day", 0.93)
    assert result.ranking == (("bin_day", 0.93), ("missed_bin", 0.05))
    assert result.entities == {"postcode": "CB1 2AD"}
    assert result.language == "en"


async def test_rasa_stopped_mid_conversation_then_back(
    classifier: RasaClassifier, fake_rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    """Rasa stopping mid-conversation: every turn still gets the fallback's answer within the
    budget, logged as degraded; after the cool-down Rasa's return is noticed, no restart."""
    assert (await classifier.classify("bin day")).classifier == "rasa"
    fake_rasa.stop()
    caplog.set_level(logging.WARNING, logger="assist.nlu")
    for _ in range(4):
        started = time.perf_counter()
        result = await classifier.classify("there is a pothole in my road")
        assert time.perf_counter() - started < BUDGET_S
        assert (result.classifier, result.intent) == ("fallback", "report_pothole")
    assert state_of(classifier.breaker) is BreakerState.OPEN
    assert classifier.degraded_turns == 4
    assert any("nlu degraded" in r.getMessage() for r in caplog.records)
    assert all("my road" not in r.getMessage() for r in caplog.records)  # no citizen text

    fake_rasa.start()
    time.sleep(COOLDOWN_S)
    result = await classifier.classify("when is bin day")
    assert result.classifier == "rasa"
    assert state_of(classifier.breaker) is BreakerState.CLOSED


async def test_open_breaker_skips_the_network(
    classifier: RasaClassifier, fake_rasa: FakeRasa
) -> None:
    """While the breaker is open no request reaches Rasa and the fallback answers at once."""
    fake_rasa.mode = "error"
    for _ in range(2):
        assert (await classifier.classify("bin day")).classifier == "fallback"
    parses = fake_rasa.parses
    fake_rasa.mode = "ok"
    started = time.perf_counter()
    result = await classifier.classify("bin day")
    assert time.perf_counter() - started < 0.1
    assert result.classifier == "fallback"
    assert fake_rasa.parses == parses


async def test_hanging_rasa_is_cut_off_at_the_timeout(
    classifier: RasaClassifier, fake_rasa: FakeRasa
) -> None:
    """A Rasa that accepts the request but never answers costs at most the timeout."""
    fake_rasa.mode = "slow"
    started = time.perf_counter()
    result = await classifier.classify("the street light is out")
    elapsed = time.perf_counter() - started
    assert TIMEOUT_S * 0.9 <= elapsed < BUDGET_S
    assert (result.classifier, result.intent) == ("fallback", "report_streetlight")
    assert "timed out" in (classifier.last_error or "")


@pytest.mark.parametrize("mode", ["error", "garbage"])
async def test_bad_rasa_answers_fall_back(
    classifier: RasaClassifier, fake_rasa: FakeRasa, mode: str
) -> None:
    """HTTP errors and answers without an intent count as failures and fall back."""
    fake_rasa.mode = mode
    result = await classifier.classify("i want to talk to a person")
    assert (result.classifier, result.intent) == ("fallback", "human")
    assert classifier.degraded_turns == 1


async def test_rasa_fallback_intent_keeps_the_best_real_guess(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    """When Rasa's own FallbackClassifier fires (nlu_fallback), the best real intent comes back
    with its low confidence, so the engine asks again."""
    fake_rasa.intent = "nlu_fallback"
    rasa = RasaClassifier(fake_rasa.url, TIMEOUT_S, fallback, cross_check=False)
    try:
        result = await rasa.classify("mmm")
    finally:
        await rasa.aclose()
    assert result.classifier == "rasa"
    assert (result.intent, result.confidence) == ("missed_bin", 0.05)
    assert all(name != "nlu_fallback" for name, _ in result.ranking)


async def test_nothing_listening_from_the_start(fallback: TfidfClassifier) -> None:
    """With no Rasa at all, the first turn is answered by the fallback within the budget."""
    rasa = RasaClassifier(f"http://127.0.0.1:{free_port()}", TIMEOUT_S, fallback)
    try:
        started = time.perf_counter()
        result = await rasa.classify("kiedy zabierają śmieci")
        assert time.perf_counter() - started < BUDGET_S
        assert (result.classifier, result.intent) == ("fallback", "bin_day")
        health = await rasa.health()
        assert health["reachable"] is False
    finally:
        await rasa.aclose()


async def test_health_reports_the_loaded_model(classifier: RasaClassifier) -> None:
    """health() says Rasa is reachable, which model it runs, and the breaker's state."""
    health = await classifier.health()
    assert health["reachable"] is True
    assert health["model"] == "nlu-fake.tar.gz"
    assert health["breaker"] == "closed"


async def test_words_of_harm_promote_safeguarding(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    """When Rasa says adult_social_care (or human, out_of_scope) but the sentence speaks of
    harm, safeguarding wins; without such words Rasa's answer stands."""
    fake_rasa.intent = "adult_social_care"
    rasa = RasaClassifier(fake_rasa.url, TIMEOUT_S, fallback, cross_check=False)
    try:
        harmed = await rasa.classify("my dad's carer hits him when nobody is looking")
        plain = await rasa.classify("my dad needs a carer in the mornings")
    finally:
        await rasa.aclose()
    assert (harmed.intent, harmed.confidence) == ("safeguarding", 0.93)
    assert harmed.ranking[0] == ("safeguarding", 0.93)
    assert plain.intent == "adult_social_care"


async def test_cross_check_halves_confidence_on_disagreement(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    """With the cross-check, Rasa's intent keeps the higher confidence when the in-process
    classifier agrees, and half its own when it disagrees (so the engine asks again)."""
    rasa = RasaClassifier(fake_rasa.url, TIMEOUT_S, fallback)  # fake Rasa always says bin_day
    try:
        agreed = await rasa.classify("which day are the bins collected")
        disputed = await rasa.classify("tell me a joke about penguins")
    finally:
        await rasa.aclose()
    assert (agreed.intent, agreed.classifier) == ("bin_day", "rasa")
    assert agreed.confidence >= 0.93
    assert (disputed.intent, disputed.confidence, disputed.classifier) == ("bin_day", 0.465, "rasa")


class SlowFallback:
    """An in-process classifier that takes `delay_s` of waiting, counting its calls."""

    def __init__(self, inner: TfidfClassifier, delay_s: float) -> None:
        self.inner = inner
        self.delay_s = delay_s
        self.calls = 0

    async def classify(self, text: str, language: str | None = None) -> Classification:
        self.calls += 1
        await asyncio.sleep(self.delay_s)
        return await self.inner.classify(text, language)


async def test_cross_check_reads_while_rasa_answers(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    """The in-process reading runs while Rasa's answer is on its way, so a turn takes about
    the longer of the two, not their sum; when Rasa fails, that reading answers alone."""
    fake_rasa.mode, fake_rasa.delay_s = "slow", 0.25
    slow = SlowFallback(fallback, 0.25)
    rasa = RasaClassifier(fake_rasa.url, 2.0, slow)
    try:
        await rasa.classify("which day are the bins collected")  # warm the connection
        started = time.perf_counter()
        result = await rasa.classify("which day are the bins collected")
        elapsed = time.perf_counter() - started
        fake_rasa.mode = "error"
        calls = slow.calls
        degraded = await rasa.classify("which day are the bins collected")
    finally:
        await rasa.aclose()
    assert (result.intent, result.classifier) == ("bin_day", "rasa")
    assert elapsed < 0.45, elapsed
    assert (degraded.intent, degraded.classifier) == ("bin_day", "fallback")
    assert slow.calls == calls + 1  # the reading made meanwhile, not a second one


async def test_cross_check_does_not_trust_harm_only_rasa_reads(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    """When only Rasa reads harm (no word of harm, and the in-process reading is sure of
    another intent), that reading stands, unsure (a person, sure); with a word of harm
    safeguarding stays."""
    fake_rasa.intent = "safeguarding"
    rasa = RasaClassifier(fake_rasa.url, TIMEOUT_S, fallback)
    try:
        polite = await rasa.classify("good morning my blue badge runs out at the end of june")
        harmed = await rasa.classify("the lad next door is scared of his dad and has bruises")
        person = await rasa.classify("can i talk to a real person please")
        police = await rasa.classify("o policia nunca me respondeu sobre o assalto")
    finally:
        await rasa.aclose()
    assert polite.intent == "blue_badge"
    assert polite.confidence < 0.5
    assert (person.intent, person.confidence >= 0.45) == ("human", True)
    assert not (police.intent == "safeguarding" and police.confidence >= 0.45)
    assert (harmed.intent, harmed.confidence >= 0.45) == ("safeguarding", True)


async def test_harm_only_rasa_reads_gives_way_to_a_service_even_an_unsure_one(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    """A long request that mentions age or illness, which the in-process reading takes for a
    council service without being sure, is confirmed as that service, not sent to
    safeguarding on Rasa's word alone; a word of harm keeps safeguarding."""
    fake_rasa.intent = "safeguarding"
    service = "since my knee operation i cant pull the wheelie bin down the drive can you help"
    harmed = "since my knee operation he hits me if i cant pull the wheelie bin down the drive"
    unsure = await fallback.classify(service)
    assert unsure.intent in SERVICE_INTENTS - {"safeguarding"}
    assert unsure.confidence < 0.45, "the test needs an unsure in-process reading"
    rasa = RasaClassifier(fake_rasa.url, TIMEOUT_S, fallback)
    try:
        asked = await rasa.classify(service)
        hurt = await rasa.classify(harmed)
    finally:
        await rasa.aclose()
    assert asked.intent == unsure.intent
    assert asked.confidence < 0.45  # asked to confirm, not followed
    assert (hurt.intent, hurt.confidence >= 0.45) == ("safeguarding", True)


async def test_off_topic_words_only_rasa_reads_as_harm_are_asked_again_not_sent_urgently(
    fake_rasa: FakeRasa, fallback: TfidfClassifier
) -> None:
    """Chit-chat the in-process reading calls off-topic, with no word of harm, is not an
    urgent hand-off because Rasa alone says safeguarding: it is asked again."""
    fake_rasa.intent = "safeguarding"
    rasa = RasaClassifier(fake_rasa.url, TIMEOUT_S, fallback)
    try:
        chat = await rasa.classify("ile nóg ma pająk")  # off-topic, the in-process unsure
        hurt = await rasa.classify("my dad hits me when he drinks")
    finally:
        await rasa.aclose()
    assert not (chat.intent == "safeguarding" and chat.confidence >= 0.45), chat
    assert (hurt.intent, hurt.confidence >= 0.45) == ("safeguarding", True)


async def test_a_turn_rasa_could_not_read_is_marked_degraded_and_counted(
    engine: Engine, fallback: TfidfClassifier
) -> None:
    """The session (and so `assist_degraded_turns_total`) knows the fallback stood in for
    Rasa; the fallback answering on its own (no Rasa configured) is not degraded."""
    alone = await fallback.classify("when is my bin day")
    assert not alone.degraded
    rasa = RasaClassifier(f"http://127.0.0.1:{free_port()}", 0.3, fallback, failure_threshold=1)
    try:
        answer = await rasa.classify("when is my bin day")
        assert answer.degraded and answer.classifier == "fallback"
        engine.classifier = rasa
        session = new_session()
        await engine.start(session)
        await say(engine, session, "when is my bin collected")
        assert session.degraded
    finally:
        await rasa.aclose()


def test_harm_the_in_process_reading_set_aside_still_counts_as_a_sign_of_harm() -> None:
    """When the in-process safety net read harm but kept a service said plainly (safeguarding
    second), both readers saw harm: Rasa's safeguarding stands (on the second held-out set,
    giving way here cost one true disclosure in 52)."""
    text = "my mum has dementia and gets muddled in car parks how do i apply for a blue badge"
    rasa = Classification("safeguarding", 0.99, ranking=(("safeguarding", 0.99),))
    set_aside = Classification(
        "blue_badge", 0.7, ranking=(("blue_badge", 0.7), ("safeguarding", 0.6))
    )
    unseen = Classification("blue_badge", 0.7, ranking=(("blue_badge", 0.7), ("library", 0.2)))
    assert agree(rasa, set_aside, text).intent == "safeguarding"
    assert agree(rasa, unseen, text).intent == "blue_badge"


class PartnerFallback:
    """A fallback reading every text as a blue badge with harm a fifth of its reading, as
    `TfidfClassifier` offers it: one reading for the cross-check, `alone` on top of it."""

    reading = Classification(
        "blue_badge", 0.7, {}, (("blue_badge", 0.7), ("safeguarding", 0.2)), "fallback", "en"
    )

    def __init__(self) -> None:
        self.partner_calls = 0

    async def partner_reading(self, text: str, language: str | None = None) -> Classification:
        self.partner_calls += 1
        return self.reading

    def alone(self, text: str, reading: Classification) -> Classification:
        return safety_alone(text, reading, 0.2)

    async def classify(self, text: str, language: str | None = None) -> Classification:
        return self.alone(text, self.reading)


async def test_the_cross_check_weighs_the_partner_reading_and_alone_is_added_when_rasa_fails(
    fake_rasa: FakeRasa,
) -> None:
    """With Rasa answering, the fallback's reading without `alone` is weighed (both read a
    blue badge); when Rasa fails, that same reading answers alone, so harm with a real share
    of a long sentence goes to safeguarding."""
    fake_rasa.intent = "blue_badge"
    partner = PartnerFallback()
    rasa = RasaClassifier(fake_rasa.url, TIMEOUT_S, partner)
    text = "hello i am ringing about the blue badge for my dad and he has not been himself lately"
    try:
        weighed = await rasa.classify(text)
        fake_rasa.mode = "error"
        degraded = await rasa.classify(text)
    finally:
        await rasa.aclose()
    assert (weighed.intent, weighed.classifier) == ("blue_badge", "rasa")
    assert (degraded.intent, degraded.classifier) == ("safeguarding", "fallback")
    assert partner.partner_calls == 2
