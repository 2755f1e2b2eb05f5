"""Council refusals sorted by what cures them: a configuration fix, the report itself, or time.

Where the knowledge came from: GeoReport v2 (wiki.open311.org/GeoReport_v2, "Errors") answers
a bad `service_code` or `jurisdiction_id` with 400 and an error array, a bad `api_key` with
403, an unknown jurisdiction with 404. A third-party Django implementation answers all three
with 400 `{"code": 400, "detail": ["Invalid API key"]}`; others send an HTML page. So the
status alone cannot tell a configuration mistake from a bad report: the words are read too.

    configuration  401/403, or words about the key, jurisdiction or service code: the report
                   is held until the settings change (nothing the citizen did wrong)
    time           408/425/429: try again later
    report         any other refusal: the report itself is wrong; a person must look at it
"""

from __future__ import annotations

import re
from enum import StrEnum

from assist.backend_client.protocol import InvalidRequest, NotFound


class Cure(StrEnum):
    """What will make a refused report go through."""

    CONFIGURATION = "configuration"
    TIME = "time"
    REPORT = "report"


CONFIGURATION_STATUSES = frozenset({401, 403})
TIME_STATUSES = frozenset({408, 425, 429})
_CONFIGURATION_WORDS = re.compile(
    r"api[\s_-]?key|apikey|jurisdiction|service[\s_-]?code|unknown service|no such service|"
    r"invalid service|service not found|not authori[sz]ed|unauthori[sz]ed|forbidden|"
    r"credential|permission|access denied",
    re.IGNORECASE,
)


def cure_for(exc: InvalidRequest | NotFound) -> Cure:
    """What cures this refusal of a POST (a 404 on POST is a wrong URL or jurisdiction)."""
    if isinstance(exc, NotFound):
        return Cure.CONFIGURATION
    status = exc.status
    codes = {code for code, _ in exc.errors}
    if status in CONFIGURATION_STATUSES or codes & {"401", "403"}:
        return Cure.CONFIGURATION
    if status in TIME_STATUSES or codes & {"408", "425", "429"}:
        return Cure.TIME
    words = " ".join([str(exc), *(d for _, d in exc.errors)])
    if _CONFIGURATION_WORDS.search(words):
        return Cure.CONFIGURATION
    return Cure.REPORT


def reasons(exc: Exception) -> str:
    """The refusal's reasons in one line, for logs and staff (never for citizens)."""
    if isinstance(exc, InvalidRequest) and exc.errors:
        return "; ".join(d or c for c, d in exc.errors)[:500]
    return str(exc)[:500]
