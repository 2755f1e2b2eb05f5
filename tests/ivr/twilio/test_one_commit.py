"""A phone turn is one durable commit: the call is recorded in the turn's own transaction."""

from __future__ import annotations

from assist.service import Service
from assist.store.sqlite import SQLiteStore
from tests.ivr.twilio.conftest import PhoneFactory, count


async def test_ringing_and_each_key_press_wait_for_one_fsync(
    phone: PhoneFactory, rt: Service
) -> None:
    store = rt.store
    assert isinstance(store, SQLiteStore)
    p = phone("+447700900311")
    before = store.flushes
    await p.dial()
    assert store.flushes - before == 1
    before = store.flushes
    await p.press("1")
    assert store.flushes - before == 1
    n = await count(
        rt,
        "SELECT COUNT(*) AS n FROM voice_calls WHERE call_sid = ? AND session_id IS NOT NULL",
        p.call_sid,
    )
    assert n == 1


async def test_a_retried_turn_still_records_its_call(phone: PhoneFactory, rt: Service) -> None:
    """A retry answered from the stored response (no turn committed) still records the call."""
    p = phone("+447700900312")
    await p.dial()
    assert p.gather is not None
    params = p._params(Digits="1")
    await p.post(p.gather.action, params)
    async with rt.store.transaction() as tx:
        await tx.execute("DELETE FROM voice_calls WHERE call_sid = ?", (p.call_sid,))
    await p.post(p.gather.action, params)
    n = await count(rt, "SELECT COUNT(*) AS n FROM voice_calls WHERE call_sid = ?", p.call_sid)
    assert n == 1
