"""The tamper-evident journal: an append-only hash chain of who did what, signed at checkpoints.

Entries carry ids, counts and hashes only, never a secret. See ``docs/journal.md``.
"""
