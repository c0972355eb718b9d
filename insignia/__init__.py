"""Insignia: a multi-tenant platform for micro-credentials and digital badges."""

__version__ = "0.1.0"
