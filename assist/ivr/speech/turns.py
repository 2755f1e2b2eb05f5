"""The contract between a self-hosted phone call and the conversation engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True)
class CallerInput:
    """What the caller did, for the conversation engine (the TwiML path's `Inbound` fields)."""

    kind: Literal["start", "speech", "digits", "silence"]
    """`start`: the call just connected; otherwise what ended the caller's turn."""
    speech: str | None = None
    """The words heard (empty when speech was heard but not recognised); None if no speech."""
    confidence: float | None = None
    """Mean word confidence 0..1 for `speech` (`[unk]` counts as 0)."""
    understood: bool = False
    """False when the recogniser heard out-of-grammar speech or was unsure: reprompt."""
    digits: str | None = None
    """Keys pressed, without the finishing `#`."""
    parameters: Mapping[str, str] = field(default_factory=dict)
    """The `<Stream>`'s `<Parameter>`s from the `start` message (e.g. From, language)."""


@dataclass(frozen=True)
class SpokenReply:
    """What to say next and how to listen for the answer."""

    texts: Sequence[str]
    """Prompts to speak, in order (each ≤ 25 words, HUMANE.md 7)."""
    options_words: Sequence[str] = ()
    """Words or phrases that pick an option here; with the universal words they make the
    recognition grammar."""
    language: str = "en"
    """Language to speak and to recognise."""
    text_languages: Sequence[str] = ()
    """Per text of `texts`, the language to speak it in (missing or empty: `language`); the
    language menu offers each language in its own voice."""
    slow: bool = False
    """Speak slowly (after "slower" or key 8)."""
    hangup: bool = False
    """End the media stream after speaking; the TwiML after `<Connect>` (or its `action`)
    decides what happens next: hang up, or put the caller through to a person."""
    free_speech: bool = False
    """Also recognise freely next to the grammar, so words outside the options reach the
    engine's NLU (HUMANE.md 4); costs a free-recognition stream while the caller speaks.
    With no `options_words` recognition is always free."""
    max_digits: int = 1
    """Deliver keys as soon as this many are pressed (`#` ends a longer entry earlier)."""
    input_timeout_s: float = 5.0
    """Quiet time after the prompt before a silence turn (≥ 10 s on entry steps for Relay
    UK callers, HUMANE.md 20); also the wait between keys of a longer entry."""


class TurnHandler(Protocol):
    """The conversation engine as the media stream sees it."""

    async def __call__(self, call_sid: str, heard: CallerInput) -> SpokenReply:
        """The reply to what the caller did on call `call_sid`."""
        ...
