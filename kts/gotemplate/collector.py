"""Pausing Python's cyclic garbage collector while a template is parsed or compiled.

A parse builds a tree of many small objects that all stay alive and form no reference cycles,
and compiling it builds as many closures. CPython starts a collection every few hundred
allocations, and each older-generation pass traverses everything built so far in vain: on a
large template that is a third of the parse and more than half of the compile. The collector
waits for the duration of a parse or compile and then resumes; reference counting still frees
everything acyclic meanwhile. The pause is process-wide, as the collector is; nested and
concurrent pauses are counted, and a collector the application had disabled stays disabled.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold cyclic collections until the outermost pause ends."""
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
