"""Prompt texts per language, loaded from dialogues/prompts/<lang>.yaml."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml


class MissingTranslation(KeyError):
    """A prompt has no text in the requested language."""

    def __init__(self, key: str, language: str) -> None:
        super().__init__(f"{key} ({language})")
        self.key = key
        self.language = language


class _Default(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Prompts:
    """All prompt texts: `get(lang, key, **values)` fills `{names}` from values."""

    def __init__(self, by_language: dict[str, dict[str, str]]) -> None:
        self.by_language = by_language

    @classmethod
    def load(cls, directory: Path) -> Prompts:
        """Read every `<lang>.yaml` in `directory`."""
        data: dict[str, dict[str, str]] = {}
        for path in sorted(directory.glob("*.yaml")):
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            data[path.stem] = {str(k): str(v) for k, v in loaded.items()}
        return cls(data)

    @property
    def languages(self) -> list[str]:
        """Languages with a prompt file."""
        return list(self.by_language)

    def has(self, language: str, key: str) -> bool:
        """True when `key` has a text in `language`."""
        return key in self.by_language.get(language, {})

    def get(self, language: str, key: str, /, **values: Any) -> str:
        """The filled-in text; raises MissingTranslation when there is none in `language`."""
        try:
            template = self.by_language[language][key]
        except KeyError:
            raise MissingTranslation(key, language) from None
        return string.Formatter().vformat(template, (), _Default(values)).strip()

    def get_or_english(self, language: str, key: str, /, **values: Any) -> str:
        """The filled-in text in `language`, else in English; raises MissingTranslation when
        English lacks it too."""
        return self.get(language if self.has(language, key) else "en", key, **values)

    def short(self, language: str, key: str) -> str:
        """The `.short` variant of a label when there is one (for SMS), else the label."""
        if self.has(language, key + ".short"):
            return self.get(language, key + ".short")
        return self.get(language, key)

    def placeholders(self, language: str, key: str) -> set[str]:
        """The `{names}` a prompt uses."""
        template = self.by_language.get(language, {}).get(key, "")
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
