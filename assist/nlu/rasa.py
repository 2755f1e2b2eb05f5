"""`RasaClassifier`: a Rasa server's `/model/parse` behind a circuit breaker, with a fallback.

Failure handling, from the caller's point of view:

    classify(text)
      ├── breaker closed / probing → POST /model/parse within `timeout_s`
      │     ├── answer            → Classification(classifier="rasa"); breaker closes
      │     └── error or timeout  → fallback's answer; breaker counts a failure
      └── breaker open (cooling down) → fallback's answer at once, no network call

After `failure_threshold` consecutive failures the breaker opens for `cooldown_s`; then one
turn probes Rasa again, so a restarted Rasa is noticed without restarting Assist. `watch()`
(a background job of the service) also asks GET /status every few seconds while Rasa is not
answering, so a Rasa that appears later (still training when `assist serve` started) is
picked up even before any citizen writes, and says so in one log line each way.

With a `ParseCache`, Rasa's answers to short texts said again ("yes", "bins") are reused
for a while instead of asking again.

Under load (Rasa answers one parse at a time, about 8 ms of its CPU each): the same text
already on its way to Rasa is not sent twice (the second turn waits for the first answer);
at most `max_in_flight` parses are in flight, the rest queue; and a turn whose expected wait
(parses ahead of it × Rasa's recent time per parse) is over 250 ms (or ¾ of `timeout_s`) is
answered
by the in-process classifier at once, without counting against the breaker, instead of
waiting out the timeout.

Cross-check (on by default): the in-process classifier also reads every sentence, at the same
time, and `assist.nlu.crosscheck.agree` combines the two readings.
Rasa's answers also pass through the shared safety net (`assist.nlu.safety`).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx

from assist.dialogue.entities import extract_entities
from assist.dialogue.language import detect_language
from assist.dialogue.memo import one_turn
from assist.dialogue.nlu import Classification, IntentClassifier
from assist.nlu.cache import ParseCache
from assist.nlu.crosscheck import agree
from assist.nlu.safety import safety_net

if TYPE_CHECKING:
    pass

log = logging.getLogger("assist.nlu")

RASA_FALLBACK_INTENT = "nlu_fallback"
WATCH_INTERVAL_S = 2.0
"""How often `watch()` asks a Rasa that is not answering whether it is up now."""
DEFAULT_RASA_DIR = Path(__file__).resolve().parents[2] / "dialogues" / "rasa"


class BreakerState(enum.StrEnum):
    """Where the circuit breaker stands."""

    CLOSED = "closed"
    """Rasa is believed healthy: every turn asks it."""
    OPEN = "open"
    """Rasa failed repeatedly: turns go straight to the fallback until the cool-down ends."""
    HALF_OPEN = "half_open"
    """Cool-down over: one turn is probing Rasa; the others use the fallback meanwhile."""


class CircuitBreaker:
    """Counts consecutive failures; opens after `failure_threshold`, probes after `cooldown_s`."""

    def __init__(
        self,
        failure_threshold: int = 3,
        cooldown_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create a closed breaker."""
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        """The current state (an open breaker whose cool-down is over reads as half-open)."""
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._probing or self._clock() - self._opened_at >= self.cooldown_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Return True when this call may go to Rasa (claims the probe when half-open)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        """Rasa answered: close the breaker."""
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        """Rasa failed: count it, and (re)open the breaker once the threshold is reached."""
        self._failures += 1
        if self._probing or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
        self._probing = False

    def trip(self) -> None:
        """Open the breaker now (Rasa is known not to answer): turns skip the network."""
        self._failures = max(self._failures, self.failure_threshold)
        self._opened_at = self._clock()
        self._probing = False


class RasaUnavailable(Exception):
    """Rasa did not give a usable answer (connection, timeout, HTTP status or body)."""


class RasaBusy(RasaUnavailable):
    """Rasa is healthy but its queue is too long for this turn to wait (not a failure)."""


MAX_IN_FLIGHT = 4
"""Parses sent to one Rasa at once; Rasa answers one at a time, so more only queue there."""
QUEUE_BUDGET_S = 0.25
"""A turn expecting to wait longer than this (or ¾ of the timeout, if less) for Rasa's queue
is answered in process instead: a citizen should not wait on Rasa being busy."""
PRIOR_PARSE_S = 0.01
"""Rasa's time per parse assumed until one is measured (about 8 ms of its CPU here)."""


class RasaClassifier:
    """An `IntentClassifier` asking a Rasa server, answering from `fallback` when it cannot."""

    def __init__(
        self,
        base_url: str,
        timeout_s: float,
        fallback: IntentClassifier,
        *,
        failure_threshold: int = 3,
        cooldown_s: float = 10.0,
        supported_languages: Sequence[str] = ("en", "pl", "lt", "ro", "pt"),
        client: httpx.AsyncClient | None = None,
        cross_check: bool = True,
        cache: ParseCache | None = None,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        """Ask the Rasa server at `base_url`; `timeout_s` bounds a whole parse request
        (queueing included); with a `cache`, answers to short repeated texts are reused
        (none by default); at most `max_in_flight` parses go to Rasa at once."""
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.fallback = fallback
        self.breaker = CircuitBreaker(failure_threshold, cooldown_s)
        self.supported_languages = tuple(supported_languages)
        self.cross_check = cross_check
        self._client = client or httpx.AsyncClient(timeout=timeout_s)
        self.rasa_turns = 0
        """Turns Rasa answered."""
        self.degraded_turns = 0
        """Turns the fallback answered because Rasa could not."""
        self.last_error: str | None = None
        """Why Rasa last failed (no citizen text in it)."""
        self.cache = cache
        self.cached_turns = 0
        """Turns answered from the cache of Rasa's earlier answers."""
        self.answering: bool | None = None
        """What `watch()` last saw: Rasa answering (True), not (False), not asked yet (None)."""
        self.max_in_flight = max(1, max_in_flight)
        self._slots = asyncio.Semaphore(self.max_in_flight)
        self._queued = 0
        self._sending = 0
        self._parse_s: float | None = None
        """Rasa's recent time per parse (moving average), for the expected queue wait: a turn
        behind `queued + sending` parses expects to wait that many times this."""
        self._in_flight: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.shed_turns = 0
        """Turns the fallback answered because Rasa's queue was too long to wait."""
        self.shared_parses = 0
        """Turns that waited for the same text's parse already on its way."""

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()

    async def classify(self, text: str, language: str | None = None) -> Classification:
        """Classify `text` with Rasa, or with the fallback when Rasa is down, slow or cooling
        off; never raises for ordinary input. With the cross-check, the in-process reading is
        made while Rasa's answer is on its way (`asyncio.gather`), not after it."""
        with one_turn():  # both readings and the cross-check share what the words show
            return await self._classify(text, language)

    async def _classify(self, text: str, language: str | None) -> Classification:
        if self.cache is not None and (hit := self.cache.get(text, language)) is not None:
            self.cached_turns += 1
            return hit
        if self.breaker.allow():
            started = time.perf_counter()
            other: Classification | None = None
            if self.cross_check:
                answer, other = await asyncio.gather(self._ask(text), self._partner(text, language))
            else:
                answer = await self._ask(text)
            if isinstance(answer, RasaBusy):
                self.shed_turns += 1
                return await self._degraded(
                    text, language, str(answer), started, other, logging.DEBUG
                )
            if isinstance(answer, RasaUnavailable):
                self.breaker.record_failure()
                self.last_error = str(answer)
                return await self._degraded(text, language, str(answer), started, other)
            self.breaker.record_success()
            self.last_error = None
            self.rasa_turns += 1
            result = answer if other is None else agree(answer, other, text)
            if self.cache is not None:
                self.cache.put(text, language, result)
            return result
        return await self._degraded(text, language, "circuit open", time.perf_counter())

    async def _partner(self, text: str, language: str | None) -> Classification:
        """The fallback's reading for the cross-check: `TfidfClassifier.partner_reading`
        (without what it adds when answering alone), or any other classifier's answer."""
        read = getattr(self.fallback, "partner_reading", self.fallback.classify)
        result: Classification = await read(text, language)
        return result

    async def _ask(self, text: str) -> Classification | RasaUnavailable:
        """Rasa's reading of `text`, or why there is none (returned, so a gather keeps the
        in-process reading made meanwhile)."""
        try:
            return self._to_classification(text, await self._parse(text))
        except RasaUnavailable as exc:
            return exc

    async def health(self) -> dict[str, Any]:
        """Return Rasa's status for /healthz: reachable, loaded model, breaker state."""
        info: dict[str, Any] = {
            "url": self.base_url,
            "breaker": self.breaker.state.value,
            "rasa_turns": self.rasa_turns,
            "degraded_turns": self.degraded_turns,
            "last_error": self.last_error,
        }
        try:
            with anyio.fail_after(self.timeout_s):
                response = await self._client.get(f"{self.base_url}/status")
            response.raise_for_status()
            status = response.json()
            info["reachable"] = True
            info["model"] = Path(str(status.get("model_file") or "")).name or None
        except (httpx.HTTPError, TimeoutError, ValueError) as exc:
            info["reachable"] = False
            info["error"] = type(exc).__name__
        return info

    async def watch(self, stop: asyncio.Event, interval_s: float = WATCH_INTERVAL_S) -> None:
        """Until `stop` is set: while Rasa is not answering, ask its /status every
        `interval_s`; say in one log line when it stops or starts answering. While it is
        down the breaker stays open (turns do not wait on it); once it answers with a model
        the breaker closes and Rasa reads the next turn."""
        while not stop.is_set():
            if self.answering is not True or self.breaker.state is not BreakerState.CLOSED:
                await self.check()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_s)

    async def check(self) -> bool:
        """Ask Rasa's /status once; open or close the breaker to match; return whether it
        answers with a model loaded."""
        try:
            with anyio.fail_after(self.timeout_s):
                response = await self._client.get(f"{self.base_url}/status")
            response.raise_for_status()
            model = response.json().get("model_file")
        except (httpx.HTTPError, TimeoutError, ValueError, AttributeError):
            model = None
        if model:
            if self.answering is False:  # it was down (the breaker open): pick it up now
                log.warning(
                    "Rasa is answering at %s (model %s); it reads free text from now on",
                    self.base_url,
                    Path(str(model)).name,
                )
                if self.cache is not None:
                    self.cache.clear()  # perhaps a new model
                self.breaker.record_success()
            self.answering = True
            return True
        if self.answering is True:
            log.warning(
                "Rasa is not answering at %s; using the in-process classifier until it does",
                self.base_url,
            )
        self.breaker.trip()
        self.answering = False
        return False

    async def _parse(self, text: str) -> dict[str, Any]:
        """Rasa's parse of `text`: shared with an identical parse already in flight, else sent
        when a slot is free (or refused with `RasaBusy` when the queue is too long)."""
        pending = self._in_flight.get(text)
        if pending is not None:
            self.shared_parses += 1
            return await asyncio.shield(pending)
        expected_s = (self._queued + self._sending) * (self._parse_s or PRIOR_PARSE_S)
        if self._slots.locked() and expected_s > min(QUEUE_BUDGET_S, 0.75 * self.timeout_s):
            raise RasaBusy(f"queue of {self._queued}, about {expected_s * 1000:.0f} ms")
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._in_flight[text] = future
        try:
            body = await self._parse_in_slot(text)
        except BaseException as exc:
            # a cancelled first asker must not cancel the turns sharing its parse
            shared = exc if isinstance(exc, RasaUnavailable) else RasaUnavailable("cancelled")
            future.set_exception(shared)
            raise
        else:
            future.set_result(body)
            return body
        finally:
            del self._in_flight[text]
            future.exception()  # retrieved: no "never retrieved" warning when nobody shared it

    async def _parse_in_slot(self, text: str) -> dict[str, Any]:
        try:
            with anyio.fail_after(self.timeout_s):
                self._queued += 1
                try:
                    await self._slots.acquire()
                finally:
                    self._queued -= 1
                self._sending += 1
                together = self._sending
                try:
                    sent = time.perf_counter()
                    response = await self._client.post(
                        f"{self.base_url}/model/parse", json={"text": text}
                    )
                    # Rasa shared its time among the parses sent together: its time per parse
                    each = (time.perf_counter() - sent) / together
                    last = self._parse_s
                    self._parse_s = each if last is None else last + 0.3 * (each - last)
                finally:
                    self._sending -= 1
                    self._slots.release()
        except TimeoutError as exc:
            raise RasaUnavailable(f"timed out after {self.timeout_s:g}s") from exc
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{type(exc).__name__}") from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise RasaUnavailable("response is not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("intent"), dict):
            raise RasaUnavailable("response has no intent")
        return body

    def _to_classification(self, text: str, body: dict[str, Any]) -> Classification:
        try:
            ranking = [
                (str(item["name"]), float(item["confidence"]))
                for item in body.get("intent_ranking") or []
                if item.get("name") and item["name"] != RASA_FALLBACK_INTENT
            ]
            name = body["intent"].get("name")
            confidence = float(body["intent"].get("confidence") or 0.0)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RasaUnavailable("malformed intent") from exc
        if not name or name == RASA_FALLBACK_INTENT:
            # Rasa's FallbackClassifier fired: keep its best real guess with its low score
            name, confidence = ranking[0] if ranking else ("out_of_scope", 0.0)
        ranking.sort(key=lambda pair: pair[1], reverse=True)
        entities: dict[str, Any] = {}
        for entity in body.get("entities") or []:
            if isinstance(entity, dict) and entity.get("entity"):
                entities[str(entity["entity"])] = entity.get("value")
        entities.update(extract_entities(text))
        result = Classification(
            intent=str(name),
            confidence=round(confidence, 4),
            entities=entities,
            ranking=tuple((n, round(c, 4)) for n, c in ranking[:5]),
            classifier="rasa",
            # with the cross-check the in-process classifier detects the language once for both
            language=None if self.cross_check else detect_language(text, self.supported_languages),
        )
        netted = safety_net(text, result)
        if netted.intent != result.intent:
            log.info("nlu safety net: %s became %s on reviewed words", name, netted.intent)
        return netted

    async def _degraded(
        self,
        text: str,
        language: str | None,
        reason: str,
        started: float,
        already: Classification | None = None,
        level: int = logging.WARNING,
    ) -> Classification:
        self.degraded_turns += 1
        alone = getattr(self.fallback, "alone", None)
        if already is None:
            result = await self.fallback.classify(text, language)
        elif alone is not None:
            result = alone(text, already)  # the cross-check's reading, now answering alone
        else:
            result = already
        log.log(
            level,
            "nlu degraded: rasa unavailable (%s), fallback answered intent=%s in %.0f ms",
            reason,
            result.intent,
            (time.perf_counter() - started) * 1000,
            extra={"nlu_degraded": True, "breaker": self.breaker.state.value},
        )
        return Classification(
            intent=result.intent,
            confidence=result.confidence,
            entities=result.entities,
            ranking=result.ranking,
            classifier="fallback",
            language=result.language,
            degraded=True,
        )
