"""Words of the web chat, all from the prompt files: the page's labels (`page.*`) and the
server's lines (`web.*`)."""

from __future__ import annotations

from typing import Any

from assist.dialogue.prompts import MissingTranslation, Prompts

PAGE_LANGUAGES = ("en", "pl", "lt", "ro", "pt")
"""Languages the chat page has labels for (the engine may support fewer)."""

PAGE_KEYS: tuple[str, ...] = (
    "title",
    "intro",
    "person",
    "asked_person",
    "log",
    "message_label",
    "message_hint",
    "message_hint_free",
    "send",
    "choices",
    "language",
    "transcript",
    "callback_title",
    "callback_hint",
    "callback_label",
    "callback_empty",
    "callback_send",
    "you",
    "assistant",
    "staff",
    "system",
    "connecting",
    "reconnecting",
    "offline",
    "retry",
    "too_long",
    "chars_left",
    "idle_warning",
    "idle_keep",
    "new_chat",
    "queue_title",
    "close",
    "open",
)
"""Labels of the page itself (buttons, headings, form fields): prompts `page.<name>`. The
page fills in `{n}` and `{minutes}` itself."""

# Engine prompts reused where they already say the right thing.
_PROMPT_ALIASES = {"web.queue": "handoff.queued", "web.callback_offer": "handoff.callback_offer"}


def page_strings(prompts: Prompts, lang: str) -> dict[str, str]:
    """The page's labels in `lang` (English for languages the page does not have)."""
    language = lang if lang in PAGE_LANGUAGES else "en"
    return {name: prompts.get_or_english(language, f"page.{name}") for name in PAGE_KEYS}


def all_page_strings(prompts: Prompts) -> dict[str, dict[str, str]]:
    """The page's labels in every page language, for the page's script."""
    return {lang: page_strings(prompts, lang) for lang in PAGE_LANGUAGES}


def language_names(prompts: Prompts) -> dict[str, str]:
    """Each page language named in itself ("Polski"), from its `language.name` prompt."""
    return {lang: prompts.get(lang, "language.name") for lang in PAGE_LANGUAGES}


def page_language(preferred: str | None) -> str:
    """The page language for a browser language tag like `pl-PL` (English when unknown)."""
    if not preferred:
        return "en"
    base = preferred.strip().lower().replace("_", "-").split("-")[0]
    return base if base in PAGE_LANGUAGES else "en"


def server_line(prompts: Prompts, lang: str, key: str, **values: Any) -> tuple[str, str]:
    """A server line and its language: from the prompt files in `lang`, else in English.

    Raises MissingTranslation when English has no such prompt either."""
    for k in (key, _PROMPT_ALIASES.get(key)):
        if k is None:
            continue
        for candidate in (lang, "en"):
            if prompts.has(candidate, k):
                return prompts.get(candidate, k, **values), candidate
    raise MissingTranslation(key, lang)


def server_text(prompts: Prompts, lang: str, key: str, **values: Any) -> str:
    """The words of `server_line`."""
    return server_line(prompts, lang, key, **values)[0]
