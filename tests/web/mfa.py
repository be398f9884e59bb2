"""Test helpers for the second factor: a confirmed TOTP device and its next valid code.

The code is computed with pyotp (not with django-otp), as a phone would.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import pyotp


def totp_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def code_for_secret(secret_b32: str, *, after_step: int = -1) -> str:
    """A current code whose time step is after ``after_step`` (a used code is refused)."""
    totp = pyotp.TOTP(secret_b32)
    now = int(time.time())
    step = now // 30
    if step <= after_step:
        # django-otp accepts one step ahead (tolerance 1); further ahead, wait.
        if after_step + 1 > step + 1:
            time.sleep((after_step + 1) * 30 - now + 1)
        return totp.at((after_step + 1) * 30)
    return totp.now()


def next_code(user: Any) -> str:
    device = totp_device(user)
    device.refresh_from_db()
    secret = base64.b32encode(device.bin_key).decode()
    return code_for_secret(secret, after_step=device.last_t)
