"""The handoff queue in a real store (SQLite and PostgreSQL): order, claims, transfers, drops,
restarts."""

import asyncio
import json

import pytest

from assist.dialogue.prompts import Prompts
from assist.dialogue.types import Priority
from assist.handoff.agents import sign_in
from assist.handoff.entries import Conflict
from assist.handoff.queue import HandoffQueue, enqueue_in_tx
from assist.handoff.schema import MIGRATIONS
from assist.store import Store, core
from tests.conftest import Database

from .conftest import Clock

pytestmark = pytest.mark.both_stores


def make_queue(store: Store, clock: Clock) -> HandoffQueue:
    return HandoffQueue(store, clock=clock)


async def join(q: HandoffQueue, n: int, **kw: object) -> str:
    args: dict[str, object] = {
        "session_id": f"s{n}",
        "channel": "sms",
        "sender": f"+4477009000{n:02d}",
        "language": "en",
        "reason": "asked_for_person",
    }
    args.update(kw)
    return (await q.enqueue(**args)).id


async def test_order_is_priority_then_time(store: Store, clock: Clock) -> None:
    """Urgent (safeguarding) entries go first; otherwise whoever joined first."""
    q = make_queue(store, clock)
    a = await join(q, 1)
    clock.advance(10)
    b = await join(q, 2)
    clock.advance(10)
    c = await join(q, 3, priority=Priority.URGENT, reason="safeguarding")
    assert [e.id for e in await q.waiting()] == [c, a, b]
    assert await q.position(a) == 2
    assert (await q.claim_next("ann")).id == c  # type: ignore[union-attr]
    assert (await q.claim_next("bob")).id == a  # type: ignore[union-attr]


async def test_enqueue_in_tx_commits_with_the_session(store: Store, clock: Clock) -> None:
    """enqueue_in_tx joins the caller's transaction: a rollback leaves no entry and no session."""
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await core.save_session(
                tx,
                session_id="s1",
                channel="sms",
                sender="+44",
                status="queued",
                state={"status": "queued"},
                now=clock(),
            )
            await enqueue_in_tx(
                tx,
                session_id="s1",
                channel="sms",
                sender="+44",
                language="en",
                reason="person",
                now=clock(),
            )
            raise RuntimeError("crash mid-turn")
    assert await make_queue(store, clock).waiting() == []
    async with store.transaction() as tx:
        assert await core.load_session(tx, "s1") is None


async def test_context_packet_carries_everything_said(store: Store, clock: Clock) -> None:
    """The entry holds transcript, intent, details, references and earlier contacts."""
    async with store.transaction() as tx:
        await core.save_session(
            tx,
            session_id="old",
            channel="voice",
            sender="+447700900001",
            status="ended",
            state={"intent": "missed_bin", "refs": ["AS-1"]},
            now=clock() - 3600,
        )
        await core.append_transcript(tx, "new", "citizen", "there's a pothole on Mill Road")
        entry = await enqueue_in_tx(
            tx,
            session_id="new",
            channel="sms",
            sender="+447700900001",
            language="pl",
            reason="asked_for_person",
            intent="report_pothole",
            slots={"location": "Mill Road", "description": "deep pothole"},
            refs=["AS-2"],
            step="pothole.location",
            now=clock(),
        )
    ctx = entry.context
    assert ctx["number"] == "+447700900001" and ctx["language"] == "pl"
    assert ctx["transcript"][0]["text"] == "there's a pothole on Mill Road"
    assert ctx["slots"]["location"] == "Mill Road" and ctx["refs"] == ["AS-2"]
    assert ctx["earlier_contacts"][0]["intent"] == "missed_bin"
    assert "Mill Road" in entry.summary


async def test_enqueue_is_idempotent_per_session(store: Store, clock: Clock) -> None:
    """A retried turn returns the same entry rather than queueing twice."""
    q = make_queue(store, clock)
    assert await join(q, 1) == await join(q, 1)
    assert len(await q.waiting()) == 1


async def test_claims_are_atomic(store: Store, clock: Clock) -> None:
    """Many agents claiming at once never get the same citizen; each citizen goes to one."""
    q = make_queue(store, clock)
    ids = {await join(q, n) for n in range(5)}
    got = await asyncio.gather(*(q.claim_next(f"agent{i}") for i in range(8)))
    claimed = [e.id for e in got if e is not None]
    assert sorted(claimed) == sorted(ids)
    with pytest.raises(Conflict):
        await q.claim(claimed[0], "late-agent")


async def test_skills_decide_who_can_claim(store: Store, clock: Clock) -> None:
    """An entry needing social care skills goes only to an agent who has them, while one
    with those skills is signed in."""
    q = make_queue(store, clock)
    async with store.transaction() as tx:
        await sign_in(tx, "sw", ["social_care"], clock())
    sc = await join(q, 1, skill="social_care")
    clock.advance(1)
    plain = await join(q, 2)
    assert (await q.claim_next("gen", [])).id == plain  # type: ignore[union-attr]
    assert await q.claim_next("gen2", []) is None
    assert (await q.claim_next("sw", ["social_care"])).id == sc  # type: ignore[union-attr]


async def test_a_skill_nobody_has_does_not_strand_the_citizen(store: Store, clock: Clock) -> None:
    """An entry needing a skill no signed-in agent has (a Polish speaker, say) is offered to
    anyone, so the citizen is not left waiting for ever."""
    q = make_queue(store, clock)
    async with store.transaction() as tx:
        await sign_in(tx, "gen", [], clock())
    polish = await join(q, 1, skill="lang:pl", language="pl")
    assert (await q.claim_next("gen", [])).id == polish  # type: ignore[union-attr]


async def test_release_and_transfer_keep_the_place(store: Store, clock: Clock) -> None:
    """Released or transferred-to-skill entries keep their original time and so their place."""
    q = make_queue(store, clock)
    a = await join(q, 1)
    clock.advance(5)
    b = await join(q, 2)
    await q.claim(a, "ann")
    await q.release(a, "ann")
    assert await q.position(a) == 1
    await q.claim(a, "ann")
    with pytest.raises(Conflict):
        await q.release(a, "bob")
    moved = await q.transfer(a, "ann", to_skill="lang:pl")
    assert moved.status == "waiting" and moved.skill == "lang:pl" and await q.position(a) == 1
    await q.claim(a, "piotr")
    with pytest.raises(Conflict):
        await q.transfer(a, "piotr", to_agent="ann")
    await q.sign_in("ann")
    handed = await q.transfer(a, "piotr", to_agent="ann")
    assert handed.claimed_by == "ann"
    assert await q.position(b) == 1


async def test_close_and_hand_back_update_the_session(store: Store, clock: Clock) -> None:
    """Claim puts the session with an agent. Closing or handing back a text conversation
    returns it to the assistant at "anything else?"; closing a call ends it."""
    q = make_queue(store, clock)
    for n, channel in ((1, "sms"), (2, "sms"), (3, "voice")):
        async with store.transaction() as tx:
            await core.save_session(
                tx,
                session_id=f"s{n}",
                channel=channel,
                sender=f"+{n}",
                status="queued",
                state={"status": "queued", "flow": "pothole", "step": "location"},
                now=clock(),
            )
        await join(q, n, channel=channel)
    got = [await q.claim_next("ann") for _ in range(3)]
    by_session = {e.session_id: e for e in got if e is not None}
    one, two, call = by_session["s1"], by_session["s2"], by_session["s3"]
    clock.advance(120)
    closed = await q.close(one.id, "ann", "resolved", notes="bin day given")
    assert closed.status == "closed" and closed.handled_s == pytest.approx(120)
    back = await q.hand_back(two.id, "ann")
    assert back.outcome == "handed_back"
    await q.close(call.id, "ann", "resolved")
    async with store.transaction() as tx:
        s1, s2, s3 = [await core.load_session(tx, f"s{n}") for n in (1, 2, 3)]
    assert s1 and s2 and s3
    for row in (s1, s2):
        state = json.loads(row["state"])
        assert row["status"] == "active" and state["status"] == "active"
        assert (state["flow"], state["step"]) == ("main", "anything_else")
    assert s3["status"] == "ended" and json.loads(s3["state"])["status"] == "ended"


async def test_dropped_caller_keeps_place_for_30_minutes(store: Store, clock: Clock) -> None:
    """A drop holds the place; rejoining within 30 minutes restores it; after, it is abandoned."""
    q = make_queue(store, clock)
    a = await join(q, 1)
    clock.advance(5)
    b = await join(q, 2)
    await q.abandon(a)
    assert await q.position(b) == 1
    assert (await q.resumable("+447700900001")).id == a  # type: ignore[union-attr]
    clock.advance(29 * 60)
    await q.rejoin(a)
    assert await q.position(a) == 1
    await q.abandon(a)
    clock.advance(31 * 60)
    assert [e.id for e in await q.waiting()] == [b]
    gone = await q.get(a)
    assert gone.status == "abandoned" and gone.outcome == "abandoned"
    with pytest.raises(Conflict):
        await q.rejoin(a)


async def test_redialled_session_rejoins_by_enqueueing_again(store: Store, clock: Clock) -> None:
    """Enqueueing the same session while dropped restores the original entry."""
    q = make_queue(store, clock)
    a = await join(q, 1)
    await q.abandon(a)
    clock.advance(60)
    assert await join(q, 1) == a
    assert (await q.get(a)).status == "waiting"


async def test_estimates_are_logged_and_settled(store: Store, clock: Clock) -> None:
    """Every announced estimate is logged; the actual wait is filled in when answered."""
    q = make_queue(store, clock)
    await q.sign_in("ann")
    busy = await join(q, 0)
    await q.claim(busy, "ann")
    a = await join(q, 1)
    place, est = await q.estimate(a)
    assert place == 1 and est.method == "default" and not est.confident
    clock.advance(200)
    await q.claim_next("ann")
    acc = await q.accuracy()
    assert acc.count == 1
    assert acc.mae_s == pytest.approx(abs(est.expected_s - 200))
    assert acc.bias_s == pytest.approx(est.expected_s - 200)
    assert acc.inside_bucket == 1.0


async def test_snapshot_counts_staff_and_history(store: Store, clock: Clock) -> None:
    """Signed-in staff, their busyness and handle times feed the estimate."""
    q = make_queue(store, clock)
    await q.sign_in("ann")
    await q.sign_in("bob")
    await q.sign_in("sam")
    await q.sign_out("sam")
    for n in range(12):
        e = await join(q, n)
        await q.claim(e, "ann")
        clock.advance(100)
        await q.close(e, "ann", "resolved")
    await q.claim(await join(q, 20), "ann")
    await q.claim(await join(q, 21), "bob")
    e = await join(q, 22)
    place, est = await q.estimate(e)
    assert place == 1
    assert est.confident and est.method == "queue_length"
    assert est.expected_s == pytest.approx(50.0)  # (0+1)/(2 · 1/100)


async def test_nothing_is_lost_across_a_restart(
    database: Database, clock: Clock, prompts: Prompts
) -> None:
    """A fresh store on the same database sees the same queue, claims and callbacks."""
    first = await database.open([*core.MIGRATIONS, *MIGRATIONS])
    q = make_queue(first, clock)
    a = await join(q, 1)
    b = await join(q, 2, priority=Priority.URGENT)
    await q.claim(b, "ann")
    await q.to_callback(prompts, a, "+447700900001")
    await first.close()

    second = await database.open([*core.MIGRATIONS, *MIGRATIONS])
    q2 = make_queue(second, clock)
    assert [e.id for e in await q2.waiting()] == [a]
    assert (await q2.get(a)).kind == "callback"
    assert (await q2.get(b)).claimed_by == "ann"
    await second.close()
