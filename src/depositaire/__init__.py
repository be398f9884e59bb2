"""Dépositaire: professional secrecy for Belgian social services."""

__version__ = "0.1.0"
