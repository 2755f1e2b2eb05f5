"""Issue 13: the web chat offers a callback by the one rule every channel uses (HUMANE.md 14):
on entry only when the wait is over 3 minutes, then every 5 minutes of waiting."""

from __future__ import annotations

import time
from pathlib import Path

from assist.dialogue.prompts import Prompts

from .live import chat, serve

OFFER = Prompts.load(Path(__file__).parents[3] / "dialogues" / "prompts").get(
    "en", "handoff.callback_offer"
)


async def test_callback_offered_by_the_one_rule(tmp_path: Path) -> None:
    async with serve(tmp_path) as served, chat(served) as c:
        now = [time.time()]
        served.rt.conversations.clock = lambda: now[0]
        await c.hello()
        await c.until("ask")
        await c.send(type="person")
        queued = await c.until("queue")
        assert "less than 2 minutes" in str(queued["text"])

        def offers() -> int:
            return sum(1 for m in c.seen if m["type"] == "say" and m.get("text") == OFFER)

        await c.quiet(1.0)
        assert offers() == 0  # a short wait: no offer on entry
        now[0] += 301
        await c.quiet(1.2)
        assert offers() == 1  # five minutes waited
        now[0] += 120
        await c.quiet(1.2)
        assert offers() == 1  # not again within five minutes
        now[0] += 200
        await c.quiet(1.2)
        assert offers() == 2
