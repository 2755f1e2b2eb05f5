"""Assist's own report references (`AS-7K3QF2`), given to the citizen before the council answers."""

from __future__ import annotations

import secrets

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Letters and digits that cannot be misread for one another (no 0/O, 1/I)."""


def new_reference() -> str:
    """A fresh Assist reference, e.g. `AS-7K3QF2` (no 0/O/1/I to misread)."""
    return "AS-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))
