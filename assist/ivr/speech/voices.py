"""Which espeak-ng voice speaks each language, and the speaking rates (HUMANE.md 7 and 8)."""

from __future__ import annotations

from collections.abc import Mapping

ESPEAK_VOICES: Mapping[str, str] = {
    "en": "en-gb",
    "pl": "pl",
    "lt": "lt",
    "ro": "ro",
    "pt": "pt",
}
"""Assist language code → espeak-ng language/voice name (`espeak-ng --voices`)."""

DEFAULT_RATE_WPM = 160
"""Normal speaking rate: 150-170 words a minute keeps a 25-word prompt near 10 s."""
SLOW_RATE_WPM = 120
"""After "slower" or key 8, for the rest of the call."""


class EspeakVoices:
    """The espeak-ng voice for each language: the part both espeak-ng synthesisers (pyttsx3's
    driver and the `espeak-ng` program) share."""

    def __init__(self, voices: Mapping[str, str] = ESPEAK_VOICES) -> None:
        self._voices = dict(voices)

    @property
    def languages(self) -> frozenset[str]:
        """Languages with a configured voice."""
        return frozenset(self._voices)

    def voice_for(self, language: str) -> str:
        """The espeak-ng voice name for `language`; raises ValueError when there is none."""
        try:
            return self._voices[language]
        except KeyError:
            raise ValueError(f"no voice for language {language!r}") from None


def rate_for(*, slow: bool) -> int:
    """The speaking rate in words a minute."""
    return SLOW_RATE_WPM if slow else DEFAULT_RATE_WPM
