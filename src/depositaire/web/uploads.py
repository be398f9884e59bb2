"""Uploads stay in memory, up to the limit: never a clear copy in the temporary folder.

Django's default handlers write any upload over 2.5 MB to a temporary file; a document
of a request is confidential, and a file left behind by a crash (kill -9) would stay
there in clear. Only this handler is configured (``FILE_UPLOAD_HANDLERS``): it keeps the
file in memory up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` and drops anything larger,
noting it on the request (``request.upload_too_big``) so the view can say why.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import MemoryFileUploadHandler

#: Markers of another format inside a file: a polyglot (a PDF that is also an HTML page
#: or an archive) is refused.
FOREIGN_MARKERS = (b"<script", b"<html", b"<svg", b"<?php", b"PK\x03\x04", b"MZ\x90\x00")
#: The bytes a complete file of each type ends with (trailing data hides another file).
ENDINGS = {"image/png": (b"IEND\xaeB`\x82",), "image/jpeg": (b"\xff\xd9",)}


class InMemoryOnlyUploadHandler(MemoryFileUploadHandler):
    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803 (Django's name)
        content_length: int,
        boundary: Any,
        encoding: Any = None,
    ) -> None:
        from django.conf import settings

        self.too_big = content_length > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        self.activated = not self.too_big
        if self.too_big and self.request is not None:
            self.request.upload_too_big = True


def looks_polyglot(raw: bytes, kind: str) -> bool:
    """True when a file also carries another format (refused, whatever its first bytes)."""
    if kind == "text/plain":
        return False
    lowered = raw.lower()
    if any(marker.lower() in lowered for marker in FOREIGN_MARKERS):
        return True
    endings = ENDINGS.get(kind)
    if endings:
        return not any(raw.rstrip(b"\x00").endswith(end) for end in endings)
    if kind == "application/pdf":
        # A PDF ends with %%EOF (possibly followed by a line end): anything after hides data.
        tail = raw[-1024:]
        position = tail.rfind(b"%%EOF")
        return position >= 0 and tail[position + 5 :].strip() != b""
    return False
