"""Semantic versions and range constraints, as Masterminds/semver v3 checks dependency versions."""

from __future__ import annotations

import re
from functools import total_ordering

_VERSION = re.compile(
    r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*))?"
    r"(?:\+([0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*))?$")
_TERM = re.compile(r"^\s*(=>|=<|>=|<=|!=|~>|=|>|<|~|\^)?\s*(v?[0-9xX*][0-9A-Za-z.\-+*]*)\s*$")
_WILD = ("x", "X", "*")


@total_ordering
class Version:
    def __init__(self, major: int, minor: int, patch: int, pre: str = "") -> None:
        self.major, self.minor, self.patch, self.pre = major, minor, patch, pre

    @classmethod
    def parse(cls, text: str) -> Version:
        m = _VERSION.match(text.strip())
        if not m:
            raise ValueError(f"invalid semantic version {text!r}")
        return cls(int(m[1]), int(m[2] or 0), int(m[3] or 0), m[4] or "")

    def _pre_key(self) -> tuple:
        if not self.pre:
            return (1,)
        parts = []
        for p in self.pre.split("."):
            parts.append((0, int(p), "") if p.isdigit() else (1, 0, p))
        return (0, tuple(parts))

    def key(self) -> tuple:
        return (self.major, self.minor, self.patch, self._pre_key())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.key() == other.key()

    def __lt__(self, other: Version) -> bool:
        return self.key() < other.key()

    def __hash__(self) -> int:
        return hash(self.key())


def _partial(text: str) -> tuple[list[int | None], str]:
    """Parse a constraint version: missing or wildcard parts are None."""
    text = text.lstrip("v")
    pre = ""
    if "+" in text:
        text = text.split("+", 1)[0]
    core = text
    if "-" in text:
        core, pre = text.split("-", 1)
    parts: list[int | None] = []
    for p in core.split("."):
        if p in _WILD:
            parts.append(None)
        elif p.isdigit():
            parts.append(int(p))
        else:
            raise ValueError(text)
    if len(parts) > 3 or not parts:
        raise ValueError(text)
    while len(parts) < 3:
        parts.append(None)
    for i in range(3):
        if parts[i] is None:
            parts[i + 1:] = [None] * (2 - i)
            break
    return parts, pre


def _check_term(op: str, text: str, v: Version) -> bool:
    parts, pre = _partial(text)
    major, minor, patch = parts
    low = Version(major or 0, minor or 0, patch or 0, pre)
    if v.pre and not pre:
        return False
    if v.pre and pre and (v.major, v.minor, v.patch) != (low.major, low.minor, low.patch):
        return False

    def upper_of(level: int) -> Version:
        if level == 0:
            return Version(low.major + 1, 0, 0)
        return Version(low.major, low.minor + 1, 0)

    wild_level = 0 if major is None else 1 if minor is None else 2 if patch is None else 3
    if op in ("", "="):
        if wild_level == 0:
            return True
        if wild_level == 3:
            return v == low
        return low <= v < upper_of(wild_level - 1)
    if op == "!=":
        if wild_level == 0:
            return False
        if wild_level == 3:
            return v != low
        return not (low <= v < upper_of(wild_level - 1))
    if op == ">":
        if wild_level == 0:
            return False
        if wild_level == 3:
            return v > low
        return v >= upper_of(wild_level - 1)
    if op in (">=", "=>"):
        return wild_level == 0 or v >= low
    if op == "<":
        return wild_level != 0 and v < low
    if op in ("<=", "=<"):
        if wild_level in (0, 3):
            return wild_level == 0 or v <= low
        return v < upper_of(wild_level - 1)
    if op in ("~", "~>"):
        if wild_level == 0:
            return True
        if v < low:
            return False
        return v < (Version(low.major + 1, 0, 0) if wild_level == 1 else Version(low.major, low.minor + 1, 0))
    if op == "^":
        if wild_level == 0:
            return True
        if v < low:
            return False
        if low.major > 0 or wild_level == 1:
            return v < Version(low.major + 1, 0, 0)
        if low.minor > 0 or wild_level == 2:
            return v < Version(0, low.minor + 1, 0)
        return v < Version(0, 0, low.patch + 1)
    raise ValueError(op)


def check(constraint: str, version: str) -> bool:
    """``IsCompatibleRange``: false when either side does not parse."""
    try:
        v = Version.parse(version)
        for alternative in constraint.split("||"):
            alt = re.sub(r"(\S+)\s+-\s+(\S+)", r">=\1 <=\2", alternative.strip())
            alt = re.sub(r"(=>|=<|>=|<=|!=|~>|[=><~^])\s+", r"\1", alt)
            terms = [t for t in re.split(r"[\s,]+", alt) if t]
            if not terms:
                raise ValueError(constraint)
            ok = True
            for term in terms:
                m = _TERM.match(term)
                if not m:
                    raise ValueError(term)
                if not _check_term(m[1] or "", m[2], v):
                    ok = False
            if ok:
                return True
        return False
    except ValueError:
        return False
