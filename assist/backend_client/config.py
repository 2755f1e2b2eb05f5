"""Which council code and body each report type goes to, and what is only partly configured.

A council is a composition of integrations with small overrides (mySociety open311-adapter
style): the reference council's codes are the default, `ASSIST_SERVICE_CODES` replaces them,
and `configuration_warnings` says out loud what falls back to the embedded demo council.
"""

from __future__ import annotations

from dataclasses import dataclass

from assist.settings import Settings


@dataclass(frozen=True)
class ServiceRoute:
    """Where one report service goes: which body, and that body's Open311 service_code."""

    body: str
    """`county` or `district`."""
    service_code: str
    service_name: str


DEFAULT_ROUTES: dict[str, ServiceRoute] = {
    "report_pothole": ServiceRoute("county", "HW-POT", "Pothole or damaged road"),
    "report_streetlight": ServiceRoute("county", "SL-FAULT", "Street light fault"),
    "missed_bin": ServiceRoute("district", "WS-MISSED", "Missed bin collection"),
    "report_flytipping": ServiceRoute("district", "ENV-FLY", "Fly-tipping"),
}
"""Intent -> route for the reference council; a real council's codes replace these."""


def routes_from_settings(settings: Settings) -> dict[str, ServiceRoute]:
    """The routes with `ASSIST_SERVICE_CODES` applied (the reference codes when unset)."""
    return {
        service: ServiceRoute(
            route.body, settings.service_codes.get(service, route.service_code), route.service_name
        )
        for service, route in DEFAULT_ROUTES.items()
    }


def embedded_fallbacks(settings: Settings) -> list[str]:
    """The settings left empty while another council endpoint is set, so that part falls
    back to the embedded demo council (which only `assist serve` and the in-process
    transport provide); [] when everything is set or nothing is."""
    if settings.uses_embedded_council:
        return []
    open311 = settings.council_open311_url or (
        settings.county_open311_url and settings.district_open311_url
    )
    return [
        name
        for name, value in (
            ("ASSIST_COUNCIL_OPEN311_URL", open311),
            ("ASSIST_WASTE_API_URL", settings.waste_api_url),
            ("ASSIST_INFO_URL", settings.info_url),
        )
        if not value
    ]


def configuration_warnings(settings: Settings) -> list[str]:
    """What is only partly configured, in words for the log at start."""
    out = [
        f"{name} is not set: that part is answered by the embedded demo council"
        for name in embedded_fallbacks(settings)
    ]
    if not settings.uses_embedded_council and not settings.service_codes:
        out.append(
            "ASSIST_SERVICE_CODES is not set: reports use the reference council's codes "
            f"({', '.join(f'{s}={r.service_code}' for s, r in DEFAULT_ROUTES.items())})"
        )
    return out
