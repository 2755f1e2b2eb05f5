"""The texts notifications and the SMS channel send: prompts from dialogues/prompts/<lang>.yaml,
in English when the citizen's language lacks one."""

from __future__ import annotations

from typing import Any

from assist.dialogue.prompts import Prompts


def text(prompts: Prompts, lang: str, key: str, **values: Any) -> str:
    """The prompt `key` in `lang`, else in English, filled in; raises MissingTranslation
    when English has none either."""
    return prompts.get_or_english(lang, key, **values)
