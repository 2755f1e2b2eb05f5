"""References in what citizens say: Assist's own, and councils' references of any shape."""

from __future__ import annotations

import pytest

from assist.dialogue.references import find_reference


@pytest.mark.parametrize(
    ("said", "reference"),
    [
        ("AS-7K3QF2", "AS-7K3QF2"),
        ("as 7k3qf2", "AS-7K3QF2"),
        ("1 0 4 2", "1042"),
        ("it's 1042", "1042"),
        ("one zero four two", "1042"),
        ("qq73dram", "qq73dram"),
        ("it's qq73dram", "qq73dram"),
        ("my reference is QQ73DRAM.", "QQ73DRAM"),
        ("q q seven three d r a m", "qq73dram"),
        ("RD-1042", "RD-1042"),
        ("2024/77a", "2024/77a"),
        ("hello", None),
        ("pothole on mill road", None),
        ("I don't know it", None),
        ("ref 12 please", None),
    ],
)
def test_references_of_any_shape(said: str, reference: str | None) -> None:
    """Assist references, digits, mixed letters and digits, and spelled-out references are
    found; ordinary words are not taken for one."""
    assert find_reference(said) == reference
