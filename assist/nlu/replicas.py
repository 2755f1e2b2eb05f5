"""`RasaReplicas`: several Rasa servers behind one `IntentClassifier`, each with its own breaker.

`ASSIST_RASA_URL=http://rasa1:5005,http://rasa2:5005` gives one `RasaClassifier` per URL
(its own breaker and availability watcher; one fallback and one parse cache shared). Turns
are spread round robin over the replicas whose breaker is not open; when one fails fast
(refused, HTTP error: not a timeout, which already cost the turn its time) the turn asks
the next healthy replica once before the fallback answers. With every breaker open, the
fallback answers at once, as with one Rasa.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assist.dialogue.nlu import Classification, IntentClassifier
from assist.nlu.cache import ParseCache
from assist.nlu.rasa import DEFAULT_RASA_DIR, BreakerState, RasaClassifier

if TYPE_CHECKING:
    from assist.settings import Settings


class RasaReplicas:
    """An `IntentClassifier` spreading parses over several `RasaClassifier`s."""

    def __init__(self, replicas: Sequence[RasaClassifier]) -> None:
        """Spread over `replicas` (at least one), in the order given."""
        if not replicas:
            raise ValueError("at least one Rasa replica")
        self.replicas = list(replicas)
        self._turn = itertools.count()

    def _order(self) -> list[RasaClassifier]:
        """The replicas starting at this turn's, those with an open breaker last."""
        start = next(self._turn) % len(self.replicas)
        rotated = self.replicas[start:] + self.replicas[:start]
        return sorted(rotated, key=lambda r: r.breaker.state is BreakerState.OPEN)

    async def classify(self, text: str, language: str | None = None) -> Classification:
        """The next replica's reading (see the module docstring); never raises for ordinary
        input."""
        order = self._order()
        asked = order[0].breaker.state is BreakerState.CLOSED  # so this turn goes to Rasa
        result = await order[0].classify(text, language)
        failed_fast = (
            asked
            and result.classifier == "fallback"
            and not (order[0].last_error or "").startswith("timed out")
        )
        if failed_fast:
            for other in order[1:]:
                if other.breaker.state is BreakerState.CLOSED:
                    return await other.classify(text, language)
        return result

    async def watch(self, stop: asyncio.Event) -> None:
        """Every replica's availability watcher, until `stop` is set."""
        await asyncio.gather(*(r.watch(stop) for r in self.replicas))

    async def health(self) -> dict[str, Any]:
        """For /healthz: each replica's health, and how many answer."""
        each = await asyncio.gather(*(r.health() for r in self.replicas))
        return {"answering": sum(1 for h in each if h.get("reachable")), "replicas": list(each)}

    async def aclose(self) -> None:
        """Close every replica's HTTP client."""
        for r in self.replicas:
            await r.aclose()


def rasa_from_urls(
    urls: Sequence[str],
    timeout_s: float,
    fallback: IntentClassifier,
    supported_languages: Sequence[str],
    cache: ParseCache | None = None,
) -> RasaClassifier | RasaReplicas:
    """One `RasaClassifier` for one URL, `RasaReplicas` for several (sharing `cache`)."""
    each = [
        RasaClassifier(
            url, timeout_s, fallback, supported_languages=supported_languages, cache=cache
        )
        for url in urls
    ]
    return each[0] if len(each) == 1 else RasaReplicas(each)


def classifier_from_settings(
    settings: Settings, rasa_dir: Path = DEFAULT_RASA_DIR
) -> IntentClassifier:
    """Return the classifier a turn should use: Rasa (or its replicas) with the in-process
    fallback when `settings.rasa_url` is set, else the fallback alone (trained now from
    `rasa_dir`)."""
    from assist.nlu.fallback import TfidfClassifier

    fallback = TfidfClassifier.from_rasa_dir(rasa_dir, supported_languages=settings.languages)
    if not settings.rasa_urls:
        return fallback
    return rasa_from_urls(
        settings.rasa_urls, settings.rasa_timeout_s, fallback, settings.languages, ParseCache()
    )
