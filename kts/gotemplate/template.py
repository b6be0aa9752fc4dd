"""A set of associated templates, as Go's ``*template.Template`` with its common namespace."""

from __future__ import annotations

import sys
from contextvars import ContextVar
from typing import Any

from kts.gotemplate.builtins import BUILTINS
from kts.gotemplate.collector import collector_paused
from kts.gotemplate.deep import descend
from kts.gotemplate.errors import ExecError, InternalError, ParseError, RenderError
from kts.gotemplate.exec import Compiled, Ctx, compile_tree
from kts.gotemplate.gotypes import FuncMap, GoFunc
from kts.gotemplate.nodes import Tree, is_empty_tree
from kts.gotemplate.parser import parse
from kts.gotemplate.strconv import quote
from kts.gotemplate.values import NOVALUE

MISSINGKEY_MODES = {"default": "default", "invalid": "default", "zero": "zero", "error": "error"}

# Deep template recursion needs deep Python recursion; below this limit it fails early.
_RECURSION_LIMIT = 12000

# Executions nested through functions (Helm's include and tpl, or any function that executes a
# template): Helm stops one include name at 1,000; Go has no other bound short of its stack.
# Each level wraps the inner error's text, so the bound also bounds the error's size.
MAX_NESTED_EXECUTIONS = 2000
_NESTED: ContextVar[int] = ContextVar("kts_nested_executions", default=0)


class Template:
    """One named template: its parse tree and, once executed, its compiled form."""

    __slots__ = ("_compiled", "tree")

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self._compiled: Compiled | None = None

    def compiled(self) -> Compiled:
        compiled = self._compiled
        if compiled is None:
            with collector_paused():
                compiled = self._compiled = compile_tree(self.tree)
        return compiled

    def run(self, ctx: Ctx, dot: Any) -> None:
        self.compiled().run(ctx, dot)


class TemplateSet:
    """Templates that can call each other, sharing one function map and options.

    ``funcs`` layer over the builtins (a function named like a builtin replaces it, as
    Sprig's ``slice`` does in Helm). ``missingkey`` is Go's option: ``default``
    (``invalid``), ``zero`` (Helm's) or ``error``.
    """

    def __init__(self, funcs: FuncMap | None = None, *, missingkey: str = "default",
                 name: str = "gotpl") -> None:
        if missingkey not in MISSINGKEY_MODES:
            raise ValueError(f"unrecognized missingkey option {missingkey!r}")
        self.name = name
        self.missingkey = MISSINGKEY_MODES[missingkey]
        self.funcs: dict[str, GoFunc] = dict(BUILTINS)
        if funcs:
            self.funcs.update(funcs)
        self._templates: dict[str, Template] = {}

    # -- building ------------------------------------------------------------------
    def parse(self, name: str, text: str) -> None:
        """Parse ``text`` as template ``name``; its defines join the set (Go's rules)."""
        _ensure_recursion_limit()
        try:
            with collector_paused():
                trees = parse(name, text, self.funcs.__contains__)
        except RecursionError:
            # Python's stack is smaller than Go's: report what Go reports at its own limit.
            raise ParseError("max expression depth exceeded", template=name, line=1) from None
        except RenderError:
            raise
        except Exception as exc:  # a parser defect: still a template error, but marked as kts's own
            msg = f"internal error: {exc!r}"
            raise InternalError(msg, template=name, line=1, text=f"template: {name}:1: {msg}") from exc
        for tname, tree in trees.items():
            old = self._templates.get(tname)
            if old is not None and is_empty_tree(tree.root):
                continue
            self._templates[tname] = Template(tree)

    def clone(self) -> TemplateSet:
        """A copy whose later parses and function rebinding do not affect this set."""
        other = TemplateSet.__new__(TemplateSet)
        other.name = self.name
        other.missingkey = self.missingkey
        other.funcs = dict(self.funcs)
        other._templates = dict(self._templates)
        return other

    def has(self, name: str) -> bool:
        return name in self._templates

    def names(self) -> list[str]:
        return list(self._templates)

    # -- running -------------------------------------------------------------------
    def lookup(self, name: str) -> Template | None:
        return self._templates.get(name)

    def execute(self, name: str, data: Any = None) -> str:
        """Execute template ``name`` with ``data`` as dot; the output text."""
        tmpl = self._templates.get(name)
        if tmpl is None:
            text = f"template: no template {quote(name)} associated with template {quote(self.name)}"
            raise ExecError(text, name=name, text=text)
        out: list[str] = []
        ctx = Ctx(self._templates.get, self.funcs, self.missingkey, name, out.append)
        dot = NOVALUE if data is None else data
        _ensure_recursion_limit()
        nested = _NESTED.get()
        if nested >= MAX_NESTED_EXECUTIONS:
            ctx.fail(f"exceeded maximum template depth ({MAX_NESTED_EXECUTIONS} nested executions)")
        token = _NESTED.set(nested + 1)
        try:
            compiled = tmpl.compiled()
            descend(compiled.frames, compiled.run, ctx, dot)
        except RenderError:
            raise
        except RecursionError:
            ctx.fail("exceeded maximum template depth (100000)")
        except Exception as exc:  # an engine defect: still a template error, but marked as kts's own
            try:
                ctx.fail(f"internal error: {exc!r}", exc)
            except ExecError as located:
                raise InternalError(located.message, template=located.template, line=located.line,
                                    column=located.column, text=str(located)) from exc
        finally:
            _NESTED.reset(token)
        return "".join(out)


def _ensure_recursion_limit() -> None:
    # Raised once and never lowered, so concurrent executions cannot race on it.
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)


# Set when the engine is imported rather than mid-execution, so tools that watch the limit
# (test runners, debuggers) see a stable value.
_ensure_recursion_limit()
