"""What a turn works out from the citizen's words is worked out once and forgotten after."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from assist.dialogue import memo
from assist.dialogue.harm import risk_cues
from assist.dialogue.memo import one_turn, remembered


def counting() -> tuple[list[str], Callable[[str], int]]:
    """A finding (the text's length) that records each time it is worked out."""
    calls: list[str] = []

    def find(text: str) -> int:
        calls.append(text)
        return len(text)

    return calls, find


def test_a_finding_is_worked_out_once_per_turn_and_every_time_outside_one() -> None:
    calls, find = counting()
    assert remembered("length", "abc", find) == 3
    assert remembered("length", "abc", find) == 3
    assert len(calls) == 2
    with one_turn():
        for _ in range(3):
            assert remembered("length", "abcd", find) == 4
        with one_turn():  # the classifier inside the engine's turn shares its findings
            assert remembered("length", "abcd", find) == 4
        assert remembered("other", "abcd", find) == 4
    assert calls == ["abc", "abc", "abcd", "abcd"]


def test_nothing_of_the_words_outlives_the_turn() -> None:
    with one_turn():
        risk_cues("he hits her when he is drunk")
        assert memo._FOUND.get()
    assert memo._FOUND.get() is None


def test_two_citizens_turns_at_once_do_not_share_findings() -> None:
    async def turn(text: str) -> dict[tuple[str, str], object]:
        with one_turn():
            risk_cues(text)
            await asyncio.sleep(0.01)
            found = memo._FOUND.get()
            assert found is not None
            return dict(found)

    async def both() -> list[dict[tuple[str, str], object]]:
        return await asyncio.gather(turn("they hit him"), turn("when is bin day"))

    first, second = asyncio.run(both())
    assert [text for _, text in first] == ["they hit him"]
    assert [text for _, text in second] == ["when is bin day"]
