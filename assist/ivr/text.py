"""What the phone line says beyond the engine's prompts: `voice.*` and friends, from
`dialogues/prompts/<lang>.yaml` (English when the caller's language lacks one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assist.dialogue.prompts import Prompts
from assist.handoff.waiting import back_phrase


def voice_text(prompts: Prompts, lang: str, key: str, **values: Any) -> str:
    """The text for `key` in `lang`, else in English; raises MissingTranslation when English
    has none either."""
    return prompts.get_or_english(lang, key, **values)


def reopen_phrase(prompts: Prompts, lang: str, when: dt.datetime | None, now: dt.datetime) -> str:
    """ "today at 8am", "tomorrow at 8am", "on Monday at 8am" (the one `waiting.back_phrase`)."""
    return back_phrase(prompts, lang, when, now)
