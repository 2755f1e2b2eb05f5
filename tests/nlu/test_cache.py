"""ParseCache: short texts read once, kept for a while, the oldest forgotten first."""

from __future__ import annotations

from assist.dialogue.nlu import Classification
from assist.nlu.cache import ParseCache
from assist.nlu.fallback import TfidfClassifier


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def reading(intent: str = "bin_day") -> Classification:
    """A classification with one entity."""
    return Classification(intent, 0.9, {"postcode": "CB1 2AD"})


def test_short_texts_are_kept_long_ones_are_not() -> None:
    """A short text comes back (as a copy whose entities may be changed); a long one never."""
    cache = ParseCache(max_chars=20)
    cache.put("bins", None, reading())
    cache.put("x" * 21, None, reading())
    hit = cache.get("bins")
    assert hit is not None and hit.intent == "bin_day"
    hit.entities["postcode"] = "changed"
    again = cache.get("bins")
    assert again is not None and again.entities["postcode"] == "CB1 2AD"
    assert cache.get("x" * 21) is None and len(cache) == 1


def test_readings_expire_and_the_oldest_goes_first() -> None:
    """After `ttl_s` a reading is asked again; past `max_entries` the least recent goes."""
    clock = Clock()
    cache = ParseCache(max_entries=2, ttl_s=10, clock=clock)
    cache.put("a", None, reading("a"))
    cache.put("b", None, reading("b"))
    assert cache.get("a") is not None  # "b" is now the least recent
    cache.put("c", None, reading("c"))
    assert cache.get("b") is None and cache.get("a") is not None
    clock.now = 11
    assert cache.get("a") is None


async def test_the_in_process_classifier_reads_a_repeated_text_once(
    fallback: TfidfClassifier,
) -> None:
    """The same short text twice is one reading, and the answer is the same."""
    fallback.cache.clear()
    first = await fallback.classify("when are my bins collected")
    hits = fallback.cache.hits
    second = await fallback.classify("when are my bins collected")
    assert fallback.cache.hits == hits + 1
    assert first == second
