"""The look-up cache: answers reused for the TTL only, failures and reports never kept."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from assist.backend_client.lookups import TtlCache
from assist.backend_client.protocol import (
    Address,
    BackendUnavailable,
    Collection,
    NotFound,
    ReportRequest,
)
from assist.backend_client.routing import RoutedCouncilServices

MILL_ROAD = Address("cam-0001", "12 Mill Road, Cambridge", "CB1 2AD", "cambridge", 52.2, 0.13)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeWaste:
    """Counts the look-ups that reach the waste API; `fail` makes the next ones fail."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.fail: Exception | None = None
        self.line = "12 Mill Road, Cambridge"

    async def find_addresses(self, postcode: str) -> list[Address]:
        self.asked.append(postcode)
        await asyncio.sleep(0)
        if self.fail is not None:
            raise self.fail
        return [Address("cam-0001", self.line, postcode, "cambridge", 52.2, 0.13)]

    async def collections(self, address_id: str) -> list[Collection]:
        self.asked.append(address_id)
        await asyncio.sleep(0)
        if self.fail is not None:
            raise self.fail
        return [Collection("black", dt.date(2026, 12, 15))]


class FakeBody:
    """An Open311 body that records created reports."""

    def __init__(self) -> None:
        self.created = 0

    async def all_requests(self, **kw: object) -> list[object]:
        return []

    async def service_definition(self, code: str) -> None:
        return None

    async def create_request(self, code: str, **kw: object) -> object:
        self.created += 1

        class Created:
            service_request_id = f"R{self.created}"
            token = None

        return Created()


def routed(waste: FakeWaste, clock: Clock, ttl: float = 60.0) -> RoutedCouncilServices:
    body = FakeBody()
    services = RoutedCouncilServices(
        bodies={"county": body, "district": body},  # type: ignore[dict-item]
        waste=waste,  # type: ignore[arg-type]
        info=None,  # type: ignore[arg-type]
        lookup_ttl_s=ttl,
    )
    services.addresses.clock = services.collections.clock = clock
    return services


async def test_an_answer_is_reused_within_the_ttl_and_asked_again_after() -> None:
    """The same postcode within the TTL is one look-up; at the TTL it is asked afresh and the
    new answer is what the citizen hears (never an answer older than the TTL)."""
    waste, clock = FakeWaste(), Clock()
    services = routed(waste, clock, ttl=60)
    first = await services.find_addresses("CB1 2AD")
    clock.now += 59.9
    assert await services.find_addresses("CB1 2AD") == first
    assert waste.asked == ["CB1 2AD"]
    waste.line = "12 Mill Road, Cambridge (renumbered)"
    clock.now += 0.1
    again = await services.find_addresses("CB1 2AD")
    assert again[0].line.endswith("(renumbered)")
    assert waste.asked == ["CB1 2AD", "CB1 2AD"]


async def test_bin_days_are_kept_per_address() -> None:
    """Bin days are kept per address id; another address is its own look-up."""
    waste, clock = FakeWaste(), Clock()
    services = routed(waste, clock)
    assert await services.bin_collections("cam-0001") == await services.bin_collections("cam-0001")
    await services.bin_collections("cam-0002")
    assert waste.asked == ["cam-0001", "cam-0002"]
    clock.now += 60
    await services.bin_collections("cam-0001")
    assert waste.asked == ["cam-0001", "cam-0002", "cam-0001"]


@pytest.mark.parametrize("error", [NotFound("no such postcode"), BackendUnavailable("down")])
async def test_failures_are_never_kept(error: Exception) -> None:
    """A failed look-up is not remembered: the next citizen asks again, and gets the answer
    once the back end has it."""
    waste, clock = FakeWaste(), Clock()
    services = routed(waste, clock)
    waste.fail = error
    for _ in range(2):
        with pytest.raises(type(error)):
            await services.find_addresses("CB1 2AD")
        with pytest.raises(type(error)):
            await services.bin_collections("cam-0001")
    waste.fail = None
    assert await services.find_addresses("CB1 2AD")
    assert await services.bin_collections("cam-0001")
    assert len(waste.asked) == 6


async def test_a_burst_for_one_postcode_makes_one_look_up() -> None:
    """Concurrent misses for one key share one request; each caller gets its own list."""
    waste, clock = FakeWaste(), Clock()
    services = routed(waste, clock)
    answers = await asyncio.gather(*(services.find_addresses("CB1 2AD") for _ in range(20)))
    assert waste.asked == ["CB1 2AD"]
    assert all(a == answers[0] for a in answers)
    answers[0].clear()  # a caller changing its list changes nobody else's
    assert await services.find_addresses("CB1 2AD") == answers[1] != []


async def test_a_shared_failure_reaches_every_waiting_caller_and_is_not_kept() -> None:
    waste, clock = FakeWaste(), Clock()
    services = routed(waste, clock)
    waste.fail = BackendUnavailable("down")
    results = await asyncio.gather(
        *(services.find_addresses("CB1 2AD") for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, BackendUnavailable) for r in results)
    waste.fail = None
    assert await services.find_addresses("CB1 2AD")
    assert waste.asked == ["CB1 2AD", "CB1 2AD"]


async def test_a_cancelled_asker_does_not_cancel_the_others() -> None:
    """When the citizen whose look-up the others wait on goes (task cancelled), the others
    ask afresh rather than failing."""
    gate = asyncio.Event()
    calls = 0

    async def slow() -> list[str]:
        nonlocal calls
        calls += 1
        if calls == 1:
            await gate.wait()
        return ["answer"]

    cache: TtlCache[list[str]] = TtlCache(60)
    first = asyncio.create_task(cache.get("k", slow))
    await asyncio.sleep(0)
    second = asyncio.create_task(cache.get("k", slow))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == ["answer"]
    with pytest.raises(asyncio.CancelledError):
        await first
    assert calls == 2


async def test_zero_ttl_turns_the_cache_off_and_size_is_bounded() -> None:
    waste, clock = FakeWaste(), Clock()
    services = routed(waste, clock, ttl=0)
    await services.find_addresses("CB1 2AD")
    await services.find_addresses("CB1 2AD")
    assert waste.asked == ["CB1 2AD", "CB1 2AD"]
    cache: TtlCache[int] = TtlCache(60, max_entries=3, clock=clock)
    for n in range(5):

        async def ask(n: int = n) -> int:
            return n

        await cache.get(str(n), ask)
    assert len(cache) == 3


async def test_reports_are_never_cached() -> None:
    """Two reports are two reports, however close together."""
    waste, clock = FakeWaste(), Clock()
    services = routed(waste, clock)
    body = services.bodies["county"]
    for ref in ("AS-1", "AS-2"):
        receipt = await services.create_report(
            ReportRequest("report_pothole", "A pothole", ref, address=MILL_ROAD)
        )
        assert receipt.council_ref is not None
    assert body.created == 2  # type: ignore[attr-defined]
