"""The texts notifications and the SMS channel send, with English fallbacks in ONE place.

Each key belongs in dialogues/prompts/<lang>.yaml; until a language has it, the English
prompt is used, and until English has it, the literal below (the lead adds them to en.yaml).
"""

from __future__ import annotations

import string
from typing import Any

from assist.dialogue.prompts import Prompts

DEFAULTS: dict[str, str] = {
    "sms.help": "{council} text service: reply with what you need, or 0 for a person. Call "
    "{phone}, {hours}. Reply STOP to end texts.",
    "sms.stopped": "You won't get any more texts from us. Reply START to turn them back on.",
    "sms.started": "Texts from us are back on. Reply STOP at any time to end them.",
    "handoff.queued": "You're number {position} in the queue. The wait is {wait}.",
    "sms.call_offer": "Reply CALL for a call back instead; you keep your place.",
    "sms.call_offer_short": "Reply CALL for a call back.",
    "sms.queue_update": "Update: you're number {position} in the queue. The wait is {wait}.",
    "notify.report_ref": "Your report {ref} is with the council: their reference is "
    "{council_ref}. We'll text you when it changes. Reply UPDATES OFF to stop.",
    "notify.report_status": "Report {council_ref} ({service}): it is now {status}.",
    "notify.report_notes": "The council says: {notes}",
    "notify.bin_reminder": "Reminder: {bins} bin collection {day} at {address}. Put your bins "
    "out tonight. Reply BINS OFF to stop these.",
    "notify.bin_reminder_morning": "Reminder: {bins} bin collection today at {address}. Put "
    "your bins out now. Reply BINS OFF to stop these.",
    "notify.and": "and",
    "notify.bins_on": "Bin-day reminders are on for {address}. We'll text you the evening "
    "before each collection. Reply BINS OFF to stop.",
    "notify.bins_on_at": "Bin-day reminders are on for {address}. We'll text you {when}. "
    "Reply BINS OFF to stop.",
    "notify.bins_time_hint": "Text BINS MORNING to get it on the day instead.",
    "notify.when_evening": "at {time} the evening before each collection",
    "notify.when_morning": "at {time} on each collection day",
    "notify.bins_time": "Bin reminders will now come {when}. Text BINS EVENING or BINS MORNING "
    "to change.",
    "notify.bins_time_unsubscribed": "Saved: bin reminders will come {when}. Text BINS to "
    "start them.",
    "notify.bins_off": "Bin-day reminders are off. Reply BINS to turn them back on.",
    "notify.updates_off": "We won't text you about your reports any more. Reply UPDATES ON "
    "to turn that back on.",
    "notify.updates_on": "We'll text you when your reports change. Reply UPDATES OFF to stop.",
}


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def text(prompts: Prompts, lang: str, key: str, **values: Any) -> str:
    """The prompt `key` in `lang`, else in English, else the literal default, filled in."""
    for language in (lang, "en"):
        if prompts.has(language, key):
            return prompts.get(language, key, **values)
    template = DEFAULTS[key]
    return string.Formatter().vformat(template, (), _Keep(values)).strip()
