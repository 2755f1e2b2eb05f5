"""`ParseCache`: the readings of short texts said again and again ("yes", "bins", "CB1 2AD").

A busy hour repeats the same few words thousands of times; reading them once per process
saves the classifier's milliseconds (or a Rasa round trip) on every repeat. Only short texts
are kept (long sentences rarely repeat, and the cache stays small), each for `ttl_s`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from assist.dialogue.nlu import Classification

MAX_CHARS = 60
"""Texts longer than this are never cached."""


class ParseCache:
    """A least-recently-used map from (text, language hint) to its `Classification`."""

    def __init__(
        self,
        max_entries: int = 2048,
        max_chars: int = MAX_CHARS,
        ttl_s: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep at most `max_entries` readings of texts up to `max_chars`, for `ttl_s`."""
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.ttl_s = ttl_s
        self._clock = clock
        self._items: OrderedDict[tuple[str, str | None], tuple[float, Classification]] = (
            OrderedDict()
        )
        self.hits = 0
        self.misses = 0

    def get(self, text: str, language: str | None = None) -> Classification | None:
        """The cached reading of `text` (a copy: its entities may be changed), or None."""
        if len(text) > self.max_chars:
            return None
        key = (text, language)
        item = self._items.get(key)
        if item is None or self._clock() - item[0] > self.ttl_s:
            self.misses += 1
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return replace(item[1], entities=dict(item[1].entities))

    def put(self, text: str, language: str | None, reading: Classification) -> None:
        """Remember `reading` of `text` (ignored when the text is too long to cache)."""
        if len(text) > self.max_chars:
            return
        self._items[(text, language)] = (self._clock(), reading)
        self._items.move_to_end((text, language))
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every reading (a new model answers differently)."""
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
