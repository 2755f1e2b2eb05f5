"""UK phone numbers as pure functions: what a citizen typed to E.164, and E.164 back to the
way people write it ("07700 900777", not "+447700900777").

Channels, the engine and notifications share it; it depends on nothing but the standard
library. Ofcom's numbering plan is the source: mobiles are 07 then 9 digits (07x, but not
070 personal numbers or 076 pagers); geographic and other numbers are 0 then 9 or 10 digits.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().-]")
_MOBILE = re.compile(r"07[1-57-9]\d{8}")


def _national(raw: str) -> str:
    """The digits of `raw` in national form (`07700900777`), separators and +44 removed."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")  # "+44 (0)7700..." is common
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    return digits


def uk_number(raw: str) -> str | None:
    """A UK phone number in E.164 (`+447700900123`), or None when it is not one."""
    digits = _national(raw)
    if not re.fullmatch(r"0[1-9]\d{8,9}", digits):
        return None
    return "+44" + digits[1:]


def uk_mobile(raw: str) -> str | None:
    """A UK mobile number (07…, +447…) in E.164, or None when it is not one."""
    digits = _national(raw)
    if not _MOBILE.fullmatch(digits):
        return None
    return "+44" + digits[1:]


def looks_like_a_number(raw: str) -> bool:
    """True when `raw` is mostly digits (someone typed a phone number, maybe a wrong one)."""
    digits = sum(c.isdigit() for c in raw)
    return digits >= 6 and digits >= len(_SEPARATORS.sub("", raw).lstrip("+")) - 2


def display_number(e164: str) -> str:
    """A UK number as people write it: `07700 900777`, `020 7946 0000`, `01223 457000`;
    anything that is not a UK E.164 number comes back unchanged."""
    if not re.fullmatch(r"\+44[1-9]\d{8,9}", e164 or ""):
        return e164
    national = "0" + e164[3:]
    if len(national) != 11:
        return national
    if national.startswith("02"):
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    if national.startswith(("03", "08", "09")):
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:5]} {national[5:]}"
