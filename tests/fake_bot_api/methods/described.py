"""A successful result that Telegram accompanies with a description ("Webhook was set")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Described:
    result: Any
    description: str
