"""The outbox's text sender: idempotent, per-number limit, global pace, wiring."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assist.app import all_migrations
from assist.chat.sms import store as sms_store
from assist.chat.sms.send import SmsSender, status_callback_url
from assist.dialogue.lint import sms_measure
from assist.dialogue.prompts import Prompts
from assist.outbox import PermanentFailure, RetryLater
from assist.settings import Settings
from assist.store import Store
from tests.chat.sms.helpers import fast_config
from tests.conftest import Database

pytestmark = [pytest.mark.both_stores, pytest.mark.usefixtures("database_env")]


NUMBER = "+447700900555"


@pytest.fixture
async def store(database: Database) -> AsyncIterator[Store]:
    s = await database.open(all_migrations())
    yield s
    await s.close()


def sender_for(store: Store, tmp_path: Path, **config: object) -> SmsSender:
    settings = Settings(data_dir=tmp_path, rasa_url=None)
    return SmsSender(store, settings, config=fast_config(settings, **config))


async def test_same_outbox_key_is_sent_once(store: Store, tmp_path: Path) -> None:
    """A handler re-run for a row already sent (crash before marking done) sends nothing new."""
    sender = sender_for(store, tmp_path)
    first = await sender.send("k1", NUMBER, "Hello", "info")
    again = await sender.send("k1", NUMBER, "Hello", "info")
    assert first == {"via": "dev"} and again["repeat"] is True
    async with store.transaction() as tx:
        assert await sms_store.sent_since(tx, NUMBER, 0) == 1


async def test_per_number_hourly_limit(store: Store, tmp_path: Path) -> None:
    """Past the hourly limit a text waits (RetryLater); staff replies are not held back."""
    sender = sender_for(store, tmp_path, per_number_per_hour=2)
    await sender.send("a", NUMBER, "1", "info")
    await sender.send("b", NUMBER, "2", "menu")
    with pytest.raises(RetryLater) as held:
        await sender.send("c", NUMBER, "3", "info")
    assert held.value.after_s is not None and 3500 < held.value.after_s <= 3601
    await sender.send("d", NUMBER, "from a person", "staff")
    await sender.send("e", "+447700900556", "another number", "info")


async def test_global_pace(store: Store, tmp_path: Path) -> None:
    """Sends are spaced by 1/rate seconds: three at once go at t, t+0.1 and t+0.2."""
    settings = Settings(data_dir=tmp_path, rasa_url=None)
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    sender = SmsSender(
        store, settings, config=fast_config(settings, send_rate_per_s=10.0), sleep=sleep
    )
    for _ in range(3):
        await sender._pace()
    assert slept == [pytest.approx(0.1, abs=0.01), pytest.approx(0.2, abs=0.01)]


async def test_missing_fields_fail_for_good(store: Store, tmp_path: Path) -> None:
    """A text without a number or words can never be sent."""
    sender = sender_for(store, tmp_path)
    with pytest.raises(PermanentFailure):
        await sender.handle_sms({"key": "x"}, {"to": "", "text": "hi"})
    with pytest.raises(PermanentFailure):
        await sender.handle_staff_reply({"key": "y"}, {"channel": "voice", "text": "hi"})


@pytest.mark.parametrize(
    ("public", "expected"),
    [
        ("http://127.0.0.1:8000", None),
        ("http://localhost:8000", None),
        ("https://assist.example.org", "https://assist.example.org/twilio/sms/status"),
    ],
)
def test_status_callback_only_for_public_hosts(public: str, expected: str | None) -> None:
    """Twilio is only given a status callback URL it could reach."""
    assert status_callback_url(Settings(public_url=public)) == expected


async def test_the_service_wires_texts_and_its_background_jobs(tmp_path: Path) -> None:
    """The whole service registers every text outbox kind and the texting jobs, and those
    jobs stop when the service closes."""
    from assist.app import open_service
    from tests.chat.sms.helpers import make_settings, premigrate

    settings = make_settings(tmp_path)
    await premigrate(settings)
    service = await open_service(settings)
    try:
        assert {"sms", "staff_reply", "subscribe", "unsubscribe"} <= set(service.outbox.handlers)
        assert {"notifier", "sms-queue-updates"} <= {name for name, _ in service.jobs}
        service.start_background()
        await asyncio.sleep(0.2)
    finally:
        await asyncio.wait_for(service.close(), timeout=5)
    assert all(task.done() for task in service._tasks)


@pytest.mark.parametrize("lang", ["pl", "lt", "ro", "pt"])
async def test_queued_texts_go_out_as_the_linter_measures_them(
    store: Store, tmp_path: Path, prompts: Prompts, lang: str
) -> None:
    """A queued notification or callback text is sent exactly as `lint.sms_measure` sees it:
    diacritics folded when that saves segments, never as written."""
    sender = sender_for(store, tmp_path)
    texts = {
        "notify.bin_reminder": {"day": "Wtorek", "address": "12 Mill Road", "bins": "czarny"},
        "sms.callback_gave_up": {"n": "3"},
    }
    for i, (key, values) in enumerate(texts.items()):
        written = prompts.get(lang, key, **values)
        row = {"key": f"{lang}-{i}"}
        await sender.handle_sms(row, {"to": NUMBER, "text": written + "  ", "purpose": "info"})
        async with store.transaction() as tx:
            sent = await sms_store.sent_for_key(tx, f"{lang}-{i}")
        assert sent is not None
        assert sent["text"] == sms_measure(written)[0]
    assert any(
        sms_measure(prompts.get(lang, k, **v))[0] != prompts.get(lang, k, **v)
        for k, v in texts.items()
    ), "at least one text is folded, or this test proves nothing"


async def test_staff_replies_go_out_as_written(store: Store, tmp_path: Path) -> None:
    """A staff member's own words are not folded."""
    sender = sender_for(store, tmp_path)
    text = "Dzień dobry, " + "sprawdziłam zgłoszenie i wszystko jest już załatwione. " * 3
    await sender.handle_staff_reply({"key": "s1"}, {"channel": "sms", "to": NUMBER, "text": text})
    async with store.transaction() as tx:
        sent = await sms_store.sent_for_key(tx, "s1")
    assert sent is not None and sent["text"] == text
