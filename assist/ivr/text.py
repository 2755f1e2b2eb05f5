"""What the phone line says beyond the engine's prompts: `voice.*` and friends, from
`dialogues/prompts/<lang>.yaml` (English when the caller's language lacks one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assist.dialogue.prompts import Prompts
from assist.hours import spoken_time


def voice_text(prompts: Prompts, lang: str, key: str, **values: Any) -> str:
    """The text for `key` in `lang`, else in English; raises MissingTranslation when English
    has none either."""
    return prompts.get_or_english(lang, key, **values)


def reopen_phrase(prompts: Prompts, lang: str, when: dt.datetime | None, now: dt.datetime) -> str:
    """ "today at 8am", "tomorrow at 8am", "on Monday at 8am" (local times, both aware)."""
    if when is None:
        return voice_text(prompts, lang, "voice.reopen.unknown")
    local_now = now.astimezone(when.tzinfo)
    time_text = spoken_time(when.time()) if lang == "en" else when.strftime("%H:%M")
    days = (when.date() - local_now.date()).days
    if days == 0:
        return voice_text(prompts, lang, "voice.reopen.today", time=time_text)
    if days == 1:
        return voice_text(prompts, lang, "voice.reopen.tomorrow", time=time_text)
    weekday_key = f"weekday.{when.weekday()}"
    weekday = (
        voice_text(prompts, lang, weekday_key)
        if (prompts.has(lang, weekday_key) or prompts.has("en", weekday_key))
        else when.strftime("%A")
    )
    return voice_text(prompts, lang, "voice.reopen.day", weekday=weekday, time=time_text)
