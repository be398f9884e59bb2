"""The JSON API under ``/api/v1/`` (django-ninja): decisions, the interview, the register.

Authentication is by personal tokens (:mod:`.models`), separate from the web sessions;
access follows the same rules as the pages (role, team, organisation); errors are
RFC 9457 ``application/problem+json`` in French (:mod:`.problems`).
"""
