"""What the phone line says beyond the engine's prompts, with English fallbacks in one place.

Keys are looked up in `dialogues/prompts/<lang>.yaml` first; until the lead adds them there
(see the report of issue 6) the English text below is used. Each stays within 25 words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assist.dialogue.prompts import Prompts
from assist.hours import spoken_time

FALLBACK: dict[str, str] = {
    "voice.queued": "You're number {position} in the queue for a person. Expected wait: {wait}.",
    "handoff.callback_offer": "We can call you back instead, and you'll keep your place.",
    "handoff.closed": "Our people are away just now. We're open again {reopen}. "
    "We can call you back then.",
    "render.person_key": "For a person, press 0.",
    "voice.callback_key": "To be called back, press 1.",
    "voice.reassure": "You're still in the queue for a person.",
    "voice.music_key": "To switch the music off, press 5.",
    "voice.music_off": "The music is off.",
    "voice.claimed": "A person is picking up your call now.",
    "voice.already_queued": "You're already in the queue for a person.",
    "voice.callback_booked": "Thank you. We'll ring you on this number when it's your turn, "
    "and text you to confirm.",
    "voice.callback_goodbye": "Your place in the queue is kept. Goodbye for now.",
    "voice.closed_offer": "For a call back when we reopen, press 1. To end the call, press 2.",
    "voice.closed_booked": "Thank you. We'll ring you back {reopen}, and text you to confirm. "
    "Goodbye.",
    "voice.closed_goodbye": "Thank you for calling. You can call again {reopen}. Goodbye.",
    "voice.closed_danger": "If anyone is in immediate danger, call 999 now.",
    "voice.closed_duty_team": "Out of hours, the emergency duty team can help on {number}.",
    "voice.closed_repeat_offer": "To hear that again, press 9. To end the call, press 2.",
    "voice.queue_problem": "Sorry, I couldn't hold your place in the queue just now.",
    "voice.connecting": "Connecting you to a person now.",
    "voice.agent_missed": "Sorry, that person couldn't take the call. You keep your place in "
    "the queue.",
    "voice.callback_no_answer": "No answer. We'll try them again later. Goodbye.",
    "voice.whisper": "Call back for {summary}. Connecting you now.",
    "voice.reopen.today": "today at {time}",
    "voice.reopen.tomorrow": "tomorrow at {time}",
    "voice.reopen.day": "on {weekday} at {time}",
    "voice.reopen.unknown": "on the next working day",
}


def voice_text(prompts: Prompts, lang: str, key: str, **values: Any) -> str:
    """The text for `key` in `lang`, else English, else the built-in English fallback."""
    for language in (lang, "en"):
        if prompts.has(language, key):
            return prompts.get(language, key, **values)
    return FALLBACK[key].format(**values).strip()


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
