"""The render engine: parse every template once, execute in Helm's order, format errors like v4."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from kts.gotemplate.errors import ExecError, ParseError, RenderError
from kts.gotemplate.gotypes import GoError, GoFunc, Signature
from kts.helm.funcs import RECURSION_MAX, WARN_RE, LookupFn, lookup_func, static_funcs

_TPL_CACHE_MAX = 64  # parsed tpl texts kept per template set (each holds a copy of the function map)


class TemplateError(RenderError):
    """A template failed to parse or execute; ``str()`` is Helm v4's message."""


@dataclass
class RenderState:
    """What one render owns: include nesting counts and the optional live lookup."""

    included: dict[str, int] = field(default_factory=dict)
    lookup: LookupFn | None = None


# The render in progress in this context. A context variable rather than a thread-local one:
# deep recursion continues on fresh threads (kts.gotemplate.deep), which carry the context.
_RENDER_STATE: ContextVar[RenderState | None] = ContextVar("kts_render_state", default=None)


def _quote(s: str) -> str:
    from kts.gotemplate.strconv import quote

    return quote(s)


# Functions that change a map they are given, and tpl, whose text is only known when it runs.
_MUTATORS = re.compile(r"(?<![\w.$])(?:set|unset|merge|mergeOverwrite|mustMerge|mustMergeOverwrite|tpl)"
                       r"(?!\w)")


def may_mutate(sources: Iterable[str]) -> bool:
    """Whether any template could change the values or ``.Chart`` maps it renders with.

    A function is called by its bare name, so a source that never spells one cannot call it;
    any spelling (in text, strings or comments too) counts.
    """
    return any(_MUTATORS.search(text) for text in sources)


def sort_templates(names: Iterable[str]) -> list[str]:
    """Helm's parse/execute order: deepest paths first, reverse-lexicographic within a depth."""
    return sorted(names, key=lambda n: (n.count("/"), n.encode("utf-8", "surrogateescape")), reverse=True)


class CompiledTemplates:
    """One parsed template set (root chart plus enabled subcharts), reused across renders."""

    def __init__(self, sources: dict[str, str]) -> None:
        from kts.gotemplate import TemplateSet

        self._tpl_sets: dict[tuple[Any, str], Any] = {}
        self.order = sort_templates(sources)
        funcs = static_funcs()
        self.ts = TemplateSet(funcs, missingkey="zero")
        self._bind(self.ts)
        for name in self.order:
            try:
                self.ts.parse(name, sources[name])
            except ParseError as exc:
                raise _parse_error(name, exc) from exc

    def _remember_tpl(self, key: tuple[Any, str], clone: Any) -> None:
        # Parsed sets never change after parsing, so a text's set serves every later call.
        sets = self._tpl_sets
        if len(sets) >= _TPL_CACHE_MAX:
            sets.pop(next(iter(sets)), None)
        sets[key] = clone

    @property
    def state(self) -> RenderState:
        """The state of the render in progress (a fresh one outside ``execute``)."""
        state = _RENDER_STATE.get()
        return state if state is not None else RenderState()

    def _bind(self, ts: Any) -> None:
        # The set's function map holds these closures, so they refer to the set and to this
        # object weakly: no reference loop, and a dropped chart is freed at once. Both are
        # alive whenever the closures run (the caller holds this object, and ``tpl`` holds
        # its clone while the clone executes).
        owner = weakref.ref(self)
        own_set = weakref.ref(ts)

        def include(name: str, data: Any) -> str:
            compiled, tset = owner(), own_set()
            assert compiled is not None and tset is not None
            counts = compiled.state.included
            n = counts.get(name)
            if n is not None:
                if n > RECURSION_MAX:
                    raise GoError(f"rendering template has a nested reference name: {name}: "
                                  "unable to execute template")
                counts[name] = n + 1
            else:
                counts[name] = 1
            try:
                return tset.execute(name, data)
            except RenderError as exc:
                raise _Wrapped(exc) from exc
            finally:
                counts[name] -= 1

        def tpl(text: str, vals: Any) -> str:
            compiled, tset = owner(), own_set()
            assert compiled is not None and tset is not None
            clone = compiled._tpl_sets.get((tset, text))
            if clone is None:
                clone = tset.clone()
                compiled._bind(clone)
                try:
                    clone.parse("gotpl", text)
                except RenderError as exc:
                    raise _Wrapped(exc, f"cannot parse template {_quote(text)}: {exc}") from exc
                compiled._remember_tpl((tset, text), clone)
            try:
                out = clone.execute("gotpl", vals)
            except RenderError as exc:
                raise _Wrapped(exc, f"error during tpl function execution for {_quote(text)}: {exc}") \
                    from exc
            return out.replace("<no value>", "")

        ts.funcs["include"] = GoFunc(include, Signature(("string", "interface {}"), result="string",
                                                        error=True), "include")
        ts.funcs["tpl"] = GoFunc(tpl, Signature(("string", "interface {}"), result="string", error=True),
                                 "tpl")
        ts.funcs["lookup"] = lookup_func(_StateView(owner))

    def execute(self, jobs: list[tuple[str, dict[str, Any], str]], lookup: LookupFn | None) -> dict[str, str]:
        """Run each (name, context, base path) in order; partials are skipped by the caller."""
        token = _RENDER_STATE.set(RenderState(lookup=lookup))
        out: dict[str, str] = {}
        try:
            for name, vals, base in jobs:
                vals["Template"] = _template_values(name, base)
                try:
                    text = self.ts.execute(name, vals)
                except ExecError as exc:
                    raise _exec_error(name, exc) from exc
                except RecursionError as exc:
                    raise TemplateError(f"rendering template failed: {exc}", template=name) from exc
                out[name] = text.replace("<no value>", "") if "<no value>" in text else text
        finally:
            _RENDER_STATE.reset(token)
        return out


class _StateView:
    """The current render's lookup, read through a weak reference to the template set."""

    def __init__(self, owner: weakref.ref[CompiledTemplates]) -> None:
        self._owner = owner

    @property
    def lookup(self) -> LookupFn | None:
        compiled = self._owner()
        return None if compiled is None else compiled.state.lookup


class _Wrapped(GoError):
    """A nested template error returned by include/tpl, keeping the original as its cause."""

    def __init__(self, inner: RenderError, text: str | None = None) -> None:
        super().__init__(text if text is not None else str(inner))
        self.inner = inner
        self.plain = text is not None


def _template_values(name: str, base: str) -> Any:
    from kts.helm.values import Values

    return Values({"Name": name, "BasePath": base})


def _parse_error(name: str, exc: RenderError) -> TemplateError:
    tokens = str(exc).split(": ")
    if len(tokens) == 1:
        text = f"parse error in ({name}): {exc}"
    else:
        text = f"parse error at ({tokens[1]}): {tokens[-1]}"
    return TemplateError(text, template=exc.template or name, line=exc.line, text=text)


# ---------------------------------------------------------------------------
# Helm v4 reformatting of execution errors


def _chain(err: BaseException) -> list[str] | None:
    """The Go error chain's texts (ExecError -> wrapped func error -> ...); None if not all template."""
    texts: list[str] = []
    current: BaseException | None = err
    while current is not None:
        if isinstance(current, _Wrapped):
            if current.plain:
                return None
            current = current.inner
            continue
        texts.append(str(current))
        if isinstance(current, ExecError):
            current = current.cause
        elif isinstance(current, GoError):
            current = current.__cause__
        else:
            current = None
    return texts


def _traceable(s: str) -> tuple[str, str, str] | None:
    prefix = "template: "
    if not s.startswith(prefix):
        return None
    rest = s[len(prefix):]
    if rest.startswith("no template "):
        return ("", s, "")
    name, sep, after = rest.partition(": executing ")
    if sep:
        if not after.startswith('"'):
            return None
        end = after.find('"', 1)
        if end == -1:
            return None
        func = after[1:end]
        after_func = after[end + 1:]
        if not after_func.startswith(" at <"):
            return None
        loc, sep2, msg = after_func[len(" at <"):].partition(">: ")
        if not sep2:
            return None
        cut = msg.find(" template:")
        if cut != -1:
            msg = msg[:cut]
        return (name, msg, f'executing "{func}" at <{loc}>:')
    idx = rest.rfind(": ")
    if idx != -1:
        msg = rest[idx + 2:]
        cut = msg.find(" template:")
        if cut != -1:
            msg = msg[:cut]
        return (rest[:idx], msg, "")
    return None


def _traceable_text(t: tuple[str, str, str]) -> str:
    location, message, func = t
    out = ""
    if location:
        out += location + "\n  "
    if func:
        out += func + "\n    "
    if message:
        out += message + "\n"
    return out


def format_exec_error(name: str, exc: ExecError) -> str:
    """``reformatExecErrorMsg`` of Helm v4.2."""
    text = str(exc)
    tokens = text.split(": ", 2)
    if len(tokens) != 3:
        return f"execution error in ({name}): {text}"
    location = tokens[1]
    m = WARN_RE.search(tokens[2])
    if m:
        return f"execution error at ({location}): {m.group(1)}"
    texts = _chain(exc)
    if texts is None:
        return text
    traces: list[tuple[str, str, str]] = []
    for t in texts:
        tr = _traceable(t)
        if tr is None:
            return text
        if not traces or traces[-1] != tr:
            traces.append(tr)
    return "".join(_traceable_text(t) for t in traces).strip()


def _exec_error(name: str, exc: ExecError) -> TemplateError:
    text = format_exec_error(name, exc)
    return TemplateError(exc.message, template=exc.template or name, line=exc.line, column=exc.column,
                         text=text)
