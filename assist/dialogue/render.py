"""Channel-neutral rendering helpers shared by the linter and the channel adapters.

Spoken prompts are split into segments (question, then one segment per option) so an adapter
can pause between them; text channels get one message with numbered options.
"""

from __future__ import annotations

import re

from assist.dialogue.gsm import sms_encoding as sms_encoding
from assist.dialogue.gsm import sms_length as sms_length
from assist.dialogue.gsm import sms_segments as sms_segments
from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Ask, Option


def words(text: str) -> int:
    """Spoken word count (numbers and keys count as words)."""
    return len(re.findall(r"[\w'’£]+", text))


def option_sentence(prompts: Prompts, lang: str, option: Option) -> str:
    """One spoken option, label capitalised: "Bins and recycling: press 1." (English
    wording when `lang` has no `render.press`)."""
    language = lang if prompts.has(lang, "render.press") else "en"
    label = option.label[:1].upper() + option.label[1:]
    return prompts.get(language, "render.press", label=label, key=option.key)


def voice_segments(prompts: Prompts, lang: str, ask: Ask) -> list[str]:
    """The spoken pieces of a question: its text, then one sentence per option."""
    return [ask.text, *(option_sentence(prompts, lang, o) for o in ask.options)]


def text_options(prompts: Prompts, lang: str, options: tuple[Option, ...]) -> str:
    """ "Reply 1 Bins, 2 Report a problem, 0 a person" for SMS and terminal."""
    parts = [
        prompts.get(lang, "render.reply", key=o.key, label=o.short or o.label) for o in options
    ]
    parts.append(prompts.get(lang, "render.person_reply"))
    return prompts.get(lang, "render.reply_intro") + " " + ", ".join(parts)


def sms_text(prompts: Prompts, lang: str, ask: Ask) -> str:
    """A question as one text message: the question then the numbered options."""
    if not ask.options:
        return ask.text
    return f"{ask.text} {text_options(prompts, lang, ask.options)}"
