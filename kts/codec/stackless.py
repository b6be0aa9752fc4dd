"""Recursive algorithms without Python recursion: Go walks nested data as deep as it goes.

Go's stacks grow on demand, so go-yaml and encoding/json recurse to their own limits (10,000
levels, more through aliases). Python's recursion limit is far lower, and is shared with the
template engine that calls the codecs. A walk written as a generator that ``yield``s each child
it would recurse into (and receives the child's result back) runs here on a list instead of the
call stack, in exactly the order the recursive version would take.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeVar

T = TypeVar("T")

Step = Generator[Any, Any, T]


def run(step: Callable[[Any], Step[T]], root: Any) -> T:
    """``step(root)`` to completion, where ``step(x)`` yields children and gets their results."""
    stack: list[Step[Any]] = [step(root)]
    value: Any = None
    while True:
        try:
            child = stack[-1].send(value)
        except StopIteration as done:
            stack.pop()
            value = done.value
            if not stack:
                return value  # type: ignore[no-any-return]
            continue
        stack.append(step(child))
        value = None


__all__ = ["Step", "run"]
