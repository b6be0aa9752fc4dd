"""Resource limits for loading and rendering untrusted charts.

Go's runtime has memory to spare where a hub process does not: a template such as
``{{ range until 100000000 }}x{{ end }}`` or a tarball bomb must end with a clear error long
before memory runs out. ``RenderLimits`` holds the bounds; ``Budget`` tracks one render's use
of them. The active budget lives in a context variable, so concurrent renders in other
threads each see their own, and functions deep in Sprig can check sizes before allocating.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

MiB = 1 << 20


@dataclass(frozen=True)
class RenderLimits:
    """Bounds on what a chart may make the renderer hold; no real chart comes near them.

    Sizes are in bytes (characters for strings); the archive limits are Helm's own.
    """

    max_output: int = 64 * MiB  # text written by one render's executions, include and tpl included
    max_template_output: int = 32 * MiB  # one rendered template file
    max_string: int = 32 * MiB  # one string made by a single function call
    max_list: int = 1_000_000  # one list made by a single function call (until, seq, ...)
    max_allocation: int = 256 * MiB  # strings and list items made by all calls of one render
    max_iterations: int = 2_000_000  # range iterations of one render
    max_seconds: int = 60  # wall-clock time of one render, checked at function and template calls
    max_archive: int = 100 * MiB  # a chart archive decompressed, nested archives included
    max_archive_file: int = 5 * MiB  # one file decompressed from a chart archive

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"RenderLimits.{name} must be a positive int, not {value!r}")


DEFAULT_LIMITS = RenderLimits()


class LimitError(Exception):
    """A limit was reached; the engine reports it like any function error, with its location.

    Not a ``GoError``: functions that turn Go errors into empty results must not hide it.
    """


# Function and template calls between two looks at the clock: a look costs more than a call.
_CLOCK_EVERY = 16


class Budget:
    """One render's remaining allowance of output, allocation, iterations and time."""

    __slots__ = ("allocation", "deadline", "iterations", "limits", "output", "ticks")

    def __init__(self, limits: RenderLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.output = limits.max_output
        self.allocation = limits.max_allocation
        self.iterations = limits.max_iterations
        self.deadline = time.monotonic() + limits.max_seconds
        self.ticks = _CLOCK_EVERY

    def out_of_time(self) -> str | None:
        """Called when ``ticks`` runs out: the error text once the deadline has passed."""
        self.ticks = _CLOCK_EVERY
        if time.monotonic() <= self.deadline:
            return None
        return f"rendering takes longer than RenderLimits.max_seconds ({self.limits.max_seconds} s)"

    def output_exceeded(self) -> str:
        return f"rendered output exceeds RenderLimits.max_output ({self.limits.max_output} bytes)"

    def iterations_exceeded(self) -> str:
        return f"range iterations exceed RenderLimits.max_iterations ({self.limits.max_iterations})"

    def spend(self, cost: int) -> None:
        """Charge ``cost`` bytes of values built by a function call."""
        self.allocation -= cost
        if self.allocation < 0:
            raise LimitError(f"values built while rendering exceed RenderLimits.max_allocation "
                             f"({self.limits.max_allocation} bytes)")


_ACTIVE: ContextVar[Budget | None] = ContextVar("kts_render_budget", default=None)


def active() -> Budget:
    """The budget of the render in progress, or a fresh default one outside renders."""
    budget = _ACTIVE.get()
    return budget if budget is not None else Budget()


def current_limits() -> RenderLimits:
    budget = _ACTIVE.get()
    return budget.limits if budget is not None else DEFAULT_LIMITS


@contextlib.contextmanager
def rendering(limits: RenderLimits) -> Iterator[Budget]:
    """Make a fresh budget for ``limits`` active while the block runs."""
    budget = Budget(limits)
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def check_string(size: int) -> None:
    """Refuse to build a string of ``size`` characters beyond ``max_string``."""
    limit = current_limits().max_string
    if size > limit:
        raise LimitError(f"result of {size} bytes exceeds RenderLimits.max_string ({limit} bytes)")


def check_list(size: int) -> None:
    """Refuse to build a list of ``size`` items beyond ``max_list``."""
    limit = current_limits().max_list
    if size > limit:
        raise LimitError(f"result of {size} items exceeds RenderLimits.max_list ({limit} items)")


def string_cost(s: str) -> int:
    """Bytes a string may occupy: one per character if ASCII, up to four otherwise."""
    return len(s) if s.isascii() else 4 * len(s)


def check_tree(value: object) -> None:
    """Refuse to serialize or copy a value whose expansion passes ``max_string``.

    Lists and maps can share elements (``list $a $a`` doubles without copying), so a tiny
    value may stand for gigabytes once written out; the walk stops as soon as it has seen
    more than the limit.
    """
    limit = current_limits().max_string
    left = limit
    stack = [value]
    while stack:
        v = stack.pop()
        left -= 2
        if isinstance(v, str):
            left -= len(v)
        elif isinstance(v, dict):
            for k, item in v.items():
                left -= len(k) if isinstance(k, str) else 2
                stack.append(item)
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
        if left < 0:
            raise LimitError(f"value expands beyond RenderLimits.max_string ({limit} bytes)")
