"""Timestamps as the apiserver writes them (RFC 3339, seconds, UTC)."""

from __future__ import annotations

import datetime as dt


def now(offset: float = 0.0) -> str:
    stamp = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
