"""The terminal channel: `assist chat`, interactive or one message per line from a pipe."""

from __future__ import annotations

from typing import TextIO

import anyio

from assist.dialogue.types import Action, Ask, Channel, End, Inbound, Say
from assist.handoff.history import estimate_for
from assist.handoff.session_queue import entry_id_of
from assist.runtime import Runtime, open_runtime
from assist.settings import Settings


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
    settings: Settings, sender: str, language: str | None, stream: TextIO, interactive: bool
) -> int:
    """Run a conversation on stdin/stdout; returns the exit code."""
    rt = await open_runtime(settings)
    rt.start_background()

    def person(lang: str) -> str:
        return rt.dialogue.prompts.get(lang, "common.opt.person")

    try:
        if interactive:
            out = await rt.conversations.open(Channel.TERMINAL, sender, language)
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
            out = await rt.conversations.handle(inbound)
            _print(render_text(out.actions, person(out.session.language)))
            if out.queue_entry is not None:
                _print([await _queue_line(rt, out.queue_entry, out.session.language)])
            if any(isinstance(a, End) for a in out.actions):
                break
        await rt.outbox.run_once()
    finally:
        await rt.close()
    return 0


async def _queue_line(rt: Runtime, handle: int, lang: str) -> str:
    """ "You're number 2 in the queue. The wait is about 5 minutes." """
    async with rt.store.transaction() as tx:
        place, estimate = await estimate_for(
            tx, entry_id_of(handle), rt.conversations.clock(), rt.settings.default_handle_time_s
        )
    return rt.dialogue.prompts.get(
        lang, "handoff.queued", position=place or 1, wait=estimate.phrase(rt.dialogue.prompts, lang)
    )


def _print(lines: list[str]) -> None:
    for line in lines:
        print(line)
