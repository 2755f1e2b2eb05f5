"""The terminal channel: `assist chat`, interactive or one message per line from a pipe."""

from __future__ import annotations

from typing import TextIO

import anyio

from assist.dialogue.types import Action, Ask, Channel, End, Inbound, Say
from assist.handoff.history import estimate_for
from assist.handoff.session_queue import entry_id_of
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
        _print(render_text(out.actions, person(out.session.language)))
        if out.queue_entry is not None:
            _print([await _queue_line(parts, out.queue_entry, out.session.language)])
        if any(isinstance(a, End) for a in out.actions):
            break
    return 0


async def _queue_line(parts: Parts, handle: int, lang: str) -> str:
    """ "You're number 2 in the queue. The wait is about 5 minutes." """
    async with parts.store.transaction() as tx:
        place, estimate = await estimate_for(
            tx,
            entry_id_of(handle),
            parts.conversations.clock(),
            parts.settings.default_handle_time_s,
        )
    return parts.prompts.get(
        lang, "handoff.queued", position=place or 1, wait=estimate.phrase(parts.prompts, lang)
    )


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)
