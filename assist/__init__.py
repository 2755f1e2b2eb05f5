"""Assist: a humane way into the council by phone, SMS and web chat, with a person one step away."""

__version__ = "0.1.0"
