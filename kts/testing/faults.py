"""Fault injection and the request log: fail the next N matching requests, add latency."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kts.testing.errors import reason_for, status_body


@dataclass
class RequestRecord:
    """One API request as the emulator saw it."""

    method: str
    path: str
    query: dict[str, str]
    content_type: str
    body: bytes = b""
    status: int = 0

    @property
    def is_watch(self) -> bool:
        return self.query.get("watch", "").lower() in ("1", "true")


@dataclass
class FailureRule:
    method: str | None
    path: re.Pattern[str]
    status: int
    remaining: int
    body: dict[str, Any] | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method.upper()) and bool(self.path.search(path))


@dataclass
class LatencyRule:
    method: str | None
    path: re.Pattern[str]
    seconds: float


@dataclass
class Faults:
    failures: list[FailureRule] = field(default_factory=list)
    latencies: list[LatencyRule] = field(default_factory=list)

    def add_failure(
        self,
        method: str | None,
        path: str,
        status: int,
        count: int,
        reason: str | None,
        message: str | None,
        body: dict[str, Any] | None,
    ) -> FailureRule:
        if body is None:
            reason = reason or reason_for(status)
            body = status_body(status, reason, message or f"injected failure ({reason})")
        rule = FailureRule(method, re.compile(path), status, count, body)
        self.failures.append(rule)
        return rule

    def take_failure(self, method: str, path: str) -> FailureRule | None:
        for rule in self.failures:
            if rule.remaining > 0 and rule.matches(method, path):
                rule.remaining -= 1
                return rule
        self.failures = [r for r in self.failures if r.remaining > 0]
        return None

    def latency(self, method: str, path: str) -> float:
        return sum(
            r.seconds
            for r in self.latencies
            if (r.method is None or r.method.upper() == method.upper()) and r.path.search(path)
        )
