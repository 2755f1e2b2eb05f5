"""The terminal channel: `assist chat`, interactive or one message per line from a pipe."""

from __future__ import annotations

from typing import TextIO

import anyio

from assist.dialogue.types import Action, Ask, Channel, End, Inbound, Say
from assist.handoff import waiting
from assist.parts import Parts


def render_text(actions: list[Action], person_label: str = "Talk to a person") -> list[str]:
    """Lines to print for a turn's actions (options numbered, 0 always a person)."""
    lines: list[str] = []
    for a in actions:
        if isinstance(a, Say | Ask):
            lines.append(a.text)
        if isinstance(a, Ask) and a.options:
            lines += [f"  {o.key}  {o.label}" for o in a.options]
            lines.append(f"  0  {person_label}")
    return lines


async def run_terminal_chat(
    parts: Parts, sender: str, language: str | None, stream: TextIO, interactive: bool
) -> int:
    """Run a conversation on stdin/stdout until it ends or input runs out; returns the exit
    code. The caller opens and closes the service (and delivers what the turns queued)."""

    def person(lang: str) -> str:
        return parts.prompts.get(lang, "common.opt.person")

    if interactive:
        out = await parts.conversations.open(Channel.TERMINAL, sender, language)
        _print(render_text(out.actions, person(out.session.language)))
    while True:
        if interactive:
            try:
                line = await anyio.to_thread.run_sync(input, "> ")
            except EOFError:
                break
        else:
            raw = await anyio.to_thread.run_sync(stream.readline)
            if not raw:
                break
            line = raw.rstrip("\n")
            print(f"> {line}")
        text = line.strip()
        inbound = Inbound(
            Channel.TERMINAL,
            sender,
            text=text or None,
            silence=not text,
            language_hint=language,
        )
        out = await parts.conversations.handle(inbound)
        lang = out.session.language
        lines = render_text(out.actions, person(lang))
        if out.queue_entry is not None:
            answer = await waiting.answer_for(
                parts.store,
                parts.settings,
                parts.services,
                parts.prompts,
                out.session.id,
                lang,
                parts.conversations.clock(),
            )
            lines = waiting.honest_says(parts.prompts, lang, answer.availability, lines)
            lines += waiting.sentences(parts.prompts, lang, answer)
            if answer.offer_callback and answer.show_place:
                lines.append(parts.prompts.get_or_english(lang, "handoff.callback_offer"))
        _print(lines)
        if any(isinstance(a, End) for a in out.actions):
            break
    return 0


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)
