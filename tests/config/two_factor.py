"""Codes of TOTP devices, computed as an authenticator app does (tests and browser journeys)."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The 6-digit code the device's authenticator app shows at `at` (now by default)."""
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device still accepts: a code is good once, so wait for the next time step when the
    current one was used already (as a person waits for their app to show a new code)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    while totp.t() <= device.last_t:
        time.sleep(0.5)
    return current_code(device)
