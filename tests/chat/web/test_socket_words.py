"""The issue's chat cases through the real web chat socket: language holds, urgent words
reach a person now, and a first sentence fills the report."""

from __future__ import annotations

from assist.dialogue.types import Priority

from .live import Chat, Served, chat
from .test_socket import entry_of, start


def said(c: Chat) -> list[str]:
    """Everything the chat has said or asked so far."""
    return [str(m["text"]) for m in c.seen if m["type"] in ("say", "ask")]


async def test_service_words_and_typos_keep_an_english_chat_english(served: Served) -> None:
    """ "adult social care" and "asdkjh qwe zzz" in an English browser never switch the chat
    to Romanian or Polish."""
    async with chat(served) as c:
        await start(c)
        await c.send(type="message", text="asdkjh qwe zzz")
        await c.until("ask")
        await c.send(type="message", text="adult social care")
        await c.until("say")
        await c.quiet()
    assert not any(m["type"] == "language" for m in c.seen)
    assert not any("îngrijire" in t or "Przepraszam" in t for t in said(c))


async def test_fallen_mum_reaches_a_person_now(served: Served) -> None:
    """ "my mum has fallen and nobody is helping" is put through to a person at urgent
    priority, never "Sorry, I didn't catch that"."""
    async with chat(served) as c:
        chat_id, _ = await start(c)
        await c.send(type="message", text="my mum has fallen and nobody is helping")
        await c.until("say")
        await c.quiet()
        entry = await entry_of(served, chat_id)
    assert entry.priority == Priority.URGENT
    assert not any("didn't catch" in t for t in said(c))


async def test_pothole_sentence_goes_straight_to_the_read_back(served: Served) -> None:
    """ "hole in the road outside 41 Mill Road, I nearly came off my bike" is read back with
    the citizen's own words, without asking where or what."""
    async with chat(served) as c:
        await start(c)
        await c.send(
            type="message", text="hole in the road outside 41 Mill Road, I nearly came off my bike"
        )
        ask = await c.until("ask")
    assert "I nearly came off my bike" in str(ask["text"])
    assert "41 Mill Road" in str(ask["text"])
    assert not any(t.startswith("Where is it") for t in said(c))
