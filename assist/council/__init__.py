"""The embedded reference council: an Open311 GeoReport v2 server, a waste API and service info."""
