"""What a turn works out from the citizen's words, worked out once and forgotten when the
turn ends.

One turn reads the same sentence several times: the classifier's score for the whole
sentence and for each clause, the safety net, Rasa's cross-check, the language offer. The
findings they share (words of harm, the language) are pure functions of the text, so inside
`one_turn` each is worked out once; when the block ends they go with it. Nothing derived from
a citizen's words outlives the turn in memory (see Privacy in the README), unlike an
`lru_cache`, which would keep the last thousand sentences for the life of the process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar, cast

T = TypeVar("T")

_FOUND: ContextVar[dict[tuple[str, str], object] | None] = ContextVar(
    "assist_turn_findings", default=None
)


@contextmanager
def one_turn() -> Iterator[None]:
    """Remember findings inside this block and forget them at its end. An inner block (the
    classifier inside the engine's turn) shares the outer block's findings."""
    if _FOUND.get() is not None:
        yield
        return
    token = _FOUND.set({})
    try:
        yield
    finally:
        _FOUND.reset(token)


def remembered(kind: str, text: str, find: Callable[[str], T]) -> T:
    """`find(text)`, worked out once per `one_turn` block (and every time outside one);
    `kind` names the finding, so two findings about one text never mix."""
    found = _FOUND.get()
    if found is None:
        return find(text)
    key = (kind, text)
    if key not in found:
        found[key] = find(text)
    return cast(T, found[key])
