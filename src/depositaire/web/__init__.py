"""The confidential case file: a Django application that enforces the engine's decisions."""
