"""Seconds from PTB's time fields, which v22 is moving from whole seconds to timedelta."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.warnings import PTBDeprecationWarning


def seconds(owner: object, attribute: str) -> float | None:
    """`owner.attribute` in seconds, whichever type this PTB returns, without its warning."""
    with warnings.catch_warnings():
        # Reading the field as int warns until PTB_TIMEDELTA is set; either type is fine here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = getattr(owner, attribute, None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value) if isinstance(value, int | float) else None
