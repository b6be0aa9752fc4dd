"""``.helmignore`` rules, matched like Helm's ``pkg/ignore`` (Go ``filepath.Match``, no ``**``)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DEFAULT_RULES = "templates/.?*"


class IgnoreError(ValueError):
    """An unusable ``.helmignore`` line."""


@functools.lru_cache(maxsize=1024)
def glob_to_regex(pattern: str) -> re.Pattern[str]:
    """Translate a Go ``path.Match`` pattern (``*``, ``?``, ``[...]``, ``\\``) to a regex.

    Cached: every chart load applies the default rules, and patterns repeat across loads.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "\\":
            i += 1
            if i >= n:
                raise IgnoreError("syntax error in pattern")
            out.append(re.escape(pattern[i]))
        elif c == "[":
            j = i + 1
            negate = j < n and pattern[j] == "^"
            if negate:
                j += 1
            body: list[str] = []
            while j < n and (pattern[j] != "]" or not body):
                ch = pattern[j]
                if ch == "\\":
                    j += 1
                    if j >= n:
                        raise IgnoreError("syntax error in pattern")
                    ch = pattern[j]
                body.append("-" if ch == "-" else re.escape(ch))
                j += 1
            if j >= n:
                raise IgnoreError("syntax error in pattern")
            out.append("[" + ("^/" if negate else "") + "".join(body) + "]")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("(?s:" + "".join(out) + r")\Z")


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    must_dir: bool
    basename_only: bool

    def matches(self, path: str) -> bool:
        target = path.rsplit("/", 1)[-1] if self.basename_only else path
        return self.regex.match(target) is not None


class Rules:
    """An ordered list of ignore rules; ``ignore(path, is_dir)`` answers for one chart path."""

    def __init__(self, text: str = "", *, defaults: bool = True) -> None:
        self._rules: list[_Rule] = []
        for line in text.splitlines():
            self._add(line)
        if defaults:
            self._add(DEFAULT_RULES)

    def _add(self, line: str) -> None:
        rule = line.strip()
        if not rule or rule.startswith("#"):
            return
        if "**" in rule:
            raise IgnoreError("double-star (**) syntax is not supported")
        glob_to_regex(rule)
        negate = rule.startswith("!")
        if negate:
            rule = rule[1:]
        must_dir = rule.endswith("/")
        if must_dir:
            rule = rule[:-1]
        basename_only = "/" not in rule
        if rule.startswith("/"):
            rule = rule[1:]
        self._rules.append(_Rule(glob_to_regex(rule), negate, must_dir, basename_only))

    def ignore(self, path: str, is_dir: bool) -> bool:
        if path in ("", ".", "./"):
            return False
        for rule in self._rules:
            if rule.negate:
                if rule.must_dir and not is_dir:
                    return True
                if not rule.matches(path):
                    return True
                continue
            if rule.must_dir and not is_dir:
                continue
            if rule.matches(path):
                return True
        return False
