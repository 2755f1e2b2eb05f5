"""The embedded reference council: an Open311 GeoReport v2 server, a waste API and service info."""

from assist.council.app import create_council_app

__all__ = ["create_council_app"]
