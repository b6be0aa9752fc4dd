"""Options and results of a write request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class WriteOptions:
    manager: str = ""
    dry_run: bool = False
    validation: str = "Warn"  # Ignore | Warn | Strict
    subresource: str = ""


@dataclass
class Result:
    code: int
    obj: dict[str, Any]
    warnings: tuple[str, ...] = ()
