"""Recursion as deep as Go's, on Python's bounded stack: continue it on a fresh thread.

Go's stacks grow on demand, so Go's parser and executor recurse as deep as a template nests, up
to Go's own limits (10,000 parentheses, 100,000 template calls). Python counts every frame
against one process-wide recursion limit, and raising that limit far would let unrelated C code
in the same process (a hub parsing a request, say) overflow its C stack instead of raising
``RecursionError``. The depth is counted per thread, though: so the engine charges an estimate
of the frames each nesting level costs to the current thread, and when a thread's share is
spent it continues the recursion on a new thread and waits for it. Each thread then holds a
bounded slice of the recursion, and ordinary templates never leave the caller's thread.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Estimated frames one thread may hold for the engine. Well under the recursion limit the
# engine sets (template.py), so the functions a template calls keep room for their own.
THREAD_BUDGET = 3000
# Estimated frames one recursion may hold over all its threads: room for Go's 100,000 template
# calls (about 20 frames each), and a bound (some 700 threads, a few hundred MB) on recursion
# Go itself would not survive, such as a function that executes its own template forever.
CHAIN_BUDGET = 2_100_000


class DepthExhausted(RecursionError):
    """A recursion outgrew ``CHAIN_BUDGET``, or no thread could be started to continue it."""


class _Charged(threading.local):
    frames = 0  # charged on this thread
    below = 0  # charged on the threads this one continues


_charged = _Charged()


def descend(cost: int, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)``, charged ``cost`` frames; on a fresh thread when this one's share is spent."""
    used = _charged.frames
    if used + cost > THREAD_BUDGET:
        below = _charged.below + used
        if below + cost > CHAIN_BUDGET:
            raise DepthExhausted(f"recursion deeper than {CHAIN_BUDGET} estimated frames")
        return on_fresh_stack(_charged_call, below, cost, fn, args)
    _charged.frames = used + cost
    try:
        return fn(*args)
    finally:
        _charged.frames = used


def charged() -> int:
    """The frames charged on this thread so far (for tests and diagnostics)."""
    return _charged.frames


def _charged_call(below: int, cost: int, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    _charged.below = below
    _charged.frames = cost
    return fn(*args)


def on_fresh_stack(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` run on a new thread, in a copy of this context; its result or its exception."""
    outcome: list[tuple[bool, Any]] = []
    context = contextvars.copy_context()

    def run() -> None:
        try:
            outcome.append((True, context.run(fn, *args)))
        except BaseException as exc:  # handed to the waiting thread, which re-raises it
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="kts-deep", daemon=True)
    try:
        thread.start()
    except RuntimeError as exc:
        raise DepthExhausted(f"cannot continue a deep recursion: {exc}") from None
    thread.join()
    ok, value = outcome[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value
