"""Compiles parse trees into Python closures and runs them with Go's execution semantics.

Each template is compiled once; executing it again only calls closures. Variables live in
a per-invocation list of slots resolved at compile time (Go's variable stack, which is
lexically scoped, maps onto slots exactly). ``ctx.node`` is updated wherever Go's
``state.at`` is, so errors name the same node Go's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from kts.gotemplate.deep import descend
from kts.gotemplate.errors import ExecError
from kts.gotemplate.fmt import format_printable, format_value
from kts.gotemplate.gotypes import (
    GoError,
    GoFunc,
    GoInt,
    GoMap,
    GoObject,
    GoSlice,
    Signature,
    Uint8,
    go_type_of,
)
from kts.gotemplate.limits import Budget, active, check_list, check_string
from kts.gotemplate.nodes import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    CommentNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    Tree,
    VariableNode,
    WithNode,
)
from kts.gotemplate.scopes import ScopedNames
from kts.gotemplate.strconv import quote
from kts.gotemplate.values import (
    COMPLEXES,
    FLOATS,
    INTERFACE_TYPES,
    NOVALUE,
    REFLECT_VALUE,
    SIGNED_INTS,
    UNSIGNED_INTS,
    assignable,
    can_be_nil,
    int_class,
    reflect_string,
    truth,
    zero_of,
)

MAX_EXEC_DEPTH = 100000
# Deep nesting: every _HOP_LEVELS levels of if/with/range bodies and parenthesized pipelines
# the compiled code charges its frames to the thread (kts.gotemplate.deep), which moves to a
# fresh thread when its share is spent. _LEVEL_FRAMES bounds the Python frames one level costs.
_HOP_LEVELS = 64
_LEVEL_FRAMES = 6
_CALL_FRAMES = 8  # from a {{template}} action or an include to the callee's first statement
MISSING: Any = object()  # no value piped in from a previous command


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_BREAK = _Break()
_CONTINUE = _Continue()


class Ctx:
    """The state of one execution: output, current node, template name, depth, options."""

    __slots__ = ("budget", "depth", "elem_iface", "funcs", "lookup", "missingkey", "name", "node", "w")

    def __init__(self, lookup: Callable[[str], Any], funcs: dict[str, Any], missingkey: str,
                 name: str, w: Callable[[str], Any]) -> None:
        self.lookup = lookup
        self.funcs = funcs
        self.missingkey = missingkey
        self.name = name
        self.node: Node | None = None
        self.depth = 0
        self.elem_iface = True  # whether the innermost range yields interface {} elements
        self.w = w
        self.budget: Budget = active()  # the render's limits; shared by nested executions

    def output_exceeded(self) -> NoReturn:
        self.fail(self.budget.output_exceeded())

    def fail(self, msg: str, cause: BaseException | None = None) -> NoReturn:
        node = self.node
        if node is None or node.tree is None:
            raise ExecError(msg, template=self.name, name=self.name, cause=cause)
        tree = node.tree
        line, col = tree.location(node.pos)
        raise ExecError(msg, template=tree.parse_name, line=line, column=col, name=self.name,
                        node=str(node), cause=cause)


Stmt = Callable[[Ctx, list, Any], None]
Expr = Callable[[Ctx, list, Any], Any]
Cmd = Callable[[Ctx, list, Any, Any], Any]
Arg = Callable[[Ctx, list, Any, str | None], Any]


class Compiled:
    """A compiled template body, the number of variable slots it needs, and the frames it may
    hold on the stack before its nesting moves to a fresh thread (not counting calls)."""

    __slots__ = ("fn", "frames", "nslots")

    def __init__(self, fn: Stmt, nslots: int, levels: int = 0) -> None:
        self.fn = fn
        self.nslots = nslots
        self.frames = _CALL_FRAMES + min(levels, _HOP_LEVELS) * _LEVEL_FRAMES

    def run(self, ctx: Ctx, dot: Any) -> None:
        v = [dot] * self.nslots
        self.fn(ctx, v, dot)


# ---------------------------------------------------------------------------
# Runtime helpers


def printable(ctx: Ctx, node: Node, val: Any) -> str:
    t = type(val)
    if t is str:
        return val
    if val is NOVALUE or val is None:
        return "<no value>"
    if isinstance(val, GoObject):
        return format_printable(val)
    if callable(val) and not isinstance(val, (GoObject, GoMap)):
        ctx.node = node
        ctx.fail(f"can't print {node} of type {go_type_of(val)}")
    return format_value(val)


def missing_key(ctx: Ctx, recv: dict, name: str) -> Any:
    mode = ctx.missingkey
    if mode == "zero":
        if type(recv) is dict:
            return None
        return zero_of(getattr(recv, "elem", "interface {}"))
    if mode == "error":
        ctx.fail(f"map has no entry for key {quote(name)}")
    return NOVALUE


def _static_type(ctx: Ctx, recv: Any, prev: Any, prev_name: str) -> str:
    """The static Go type of a receiver, for "can't evaluate field" errors."""
    if prev is _IFACE or (prev is _RANGE and ctx.elem_iface):
        return "interface {}"
    methods = getattr(prev, "go_methods", None)
    if methods and prev_name in methods:
        return methods[prev_name].result
    if type(prev) is dict or (isinstance(prev, GoMap) and prev.elem in INTERFACE_TYPES):
        return "interface {}"
    if isinstance(prev, (list, GoSlice)) and go_type_of(prev) == "[]interface {}":
        return "interface {}"
    return go_type_of(recv)


_IFACE: Any = object()  # marks a chain whose first receiver is an interface {} value
_CONCRETE: Any = object()
_RANGE: Any = object()  # the first receiver is a range element: see ctx.elem_iface


def eval_field(ctx: Ctx, v: list, dot: Any, name: str, node: Node, args: list | None, final: Any,
               recv: Any, prev: Any, prev_name: str = "") -> Any:
    """Go's evalField: method, struct field or map key ``name`` of ``recv``."""
    if recv is NOVALUE:
        if ctx.missingkey == "error":
            ctx.fail(f"nil data; no entry for key {quote(name)}")
        return NOVALUE
    if recv is None:
        ctx.fail(f"nil pointer evaluating interface {{}}.{name}")
    methods = getattr(recv, "go_methods", None)
    if methods and name in methods:
        fn = GoFunc(getattr(recv, name), methods[name], name)
        return call(ctx, v, dot, fn, name, node, args or [], final, False)
    has_args = bool(args) or final is not MISSING
    if isinstance(recv, dict):
        if has_args:
            ctx.fail(f"{name} is not a method but has arguments")
        try:
            return recv[name]
        except KeyError:
            return missing_key(ctx, recv, name)
    if isinstance(recv, GoObject) and name in recv.go_fields:
        if has_args:
            ctx.fail(f"{name} has arguments but cannot be invoked as function")
        return getattr(recv, name)
    ctx.fail(f"can't evaluate field {name} in type {_static_type(ctx, recv, prev, prev_name)}")


def validate_type(ctx: Ctx, value: Any, typ: str | None) -> Any:
    """Go's validateType: check ``value`` is assignable to parameter type ``typ``."""
    if typ is None or typ == REFLECT_VALUE:
        return value
    if value is NOVALUE:
        if typ in INTERFACE_TYPES:
            return None
        if can_be_nil(typ):
            return zero_of(typ)
        ctx.fail(f"invalid value; expected {typ}")
    if typ in INTERFACE_TYPES:
        return value
    if value is None:
        ctx.fail(f"wrong type for value; expected {typ}; got interface {{}}")
    if not assignable(value, typ):
        ctx.fail(f"wrong type for value; expected {typ}; got {go_type_of(value)}")
    return value


def ideal_constant(ctx: Ctx, n: NumberNode) -> Any:
    """An untyped number constant given the type its syntax suggests."""
    ctx.node = n
    text = n.text
    if n.is_complex:
        return n.complex128
    if (n.is_float and not _is_hex_int(text) and not text.startswith("'")
            and any(c in text for c in ".eEpP")):
        return n.float64
    if n.is_int:
        if not -(1 << 63) <= n.int64 < 1 << 63:
            ctx.fail(f"{text} overflows int")
        return n.int64
    if n.is_uint:
        ctx.fail(f"{text} overflows int")
    return NOVALUE


def _is_hex_int(s: str) -> bool:
    return len(s) > 2 and s[0] == "0" and s[1] in "xX" and "p" not in s and "P" not in s


def literal_arg(ctx: Ctx, n: Node, typ: str) -> Any:
    """A literal operand converted to a parameter type (Go's evalBool/evalString/...)."""
    ctx.node = n
    if typ == "bool":
        if isinstance(n, BoolNode):
            return n.true
        ctx.fail(f"expected bool; found {n}")
    if typ in COMPLEXES:
        if isinstance(n, NumberNode) and n.is_complex:
            return n.complex128
        ctx.fail(f"expected complex; found {n}")
    if typ in FLOATS:
        if isinstance(n, NumberNode) and n.is_float:
            return n.float64
        ctx.fail(f"expected float; found {n}")
    if typ in SIGNED_INTS:
        if isinstance(n, NumberNode) and n.is_int:
            cls = int_class(typ) or int
            return cls(n.int64)
        ctx.fail(f"expected integer; found {n}")
    if typ in INTERFACE_TYPES or typ == REFLECT_VALUE:
        if isinstance(n, BoolNode):
            return n.true
        if isinstance(n, NumberNode):
            return ideal_constant(ctx, n)
        if isinstance(n, StringNode):
            return n.text
        ctx.fail(f"can't handle assignment of {n} to empty interface argument")
    if typ == "string":
        if isinstance(n, StringNode):
            return n.text
        ctx.fail(f"expected string; found {n}")
    if typ in UNSIGNED_INTS:
        if isinstance(n, NumberNode) and n.is_uint:
            cls = int_class(typ) or int
            return cls(n.uint64)
        ctx.fail(f"expected unsigned integer; found {n}")
    ctx.fail(f"can't handle {n} for arg of type {typ}")


_PLANS: dict[tuple[int, int, bool], tuple[Any, tuple[str, ...], str | None]] = {}


def _plan(ctx: Ctx, sig: Any, name: str, nargs: int, has_final: bool) -> tuple[tuple[str, ...], str | None]:
    """Parameter types for each argument and the piped-in final value; arity errors as Go's."""
    key = (id(sig), nargs, has_final)
    hit = _PLANS.get(key)
    if hit is not None and hit[0] is sig:
        return hit[1], hit[2]
    params = sig.params
    nparams = len(params)
    num_in = nargs + has_final
    variadic = sig.variadic
    if variadic is not None:
        num_fixed = nparams
        if num_in < num_fixed:
            ctx.fail(f"wrong number of args for {name}: want at least {nparams} got {nargs}")
    else:
        num_fixed = nargs
        if num_in != nparams:
            ctx.fail(f"wrong number of args for {name}: want {nparams} got {num_in}")
    types = tuple(params[i] if i < num_fixed else variadic for i in range(nargs))
    tfinal = None
    if has_final:
        tfinal = variadic if variadic is not None and num_in - 1 >= num_fixed else params[num_in - 1]
    if len(_PLANS) > 4096:
        _PLANS.clear()
    _PLANS[key] = (sig, types, tfinal)  # type: ignore[assignment]
    return types, tfinal


def call(ctx: Ctx, v: list, dot: Any, fn: GoFunc, name: str, node: Node, args: list, final: Any,
         builtin: bool) -> Any:
    """Go's evalCall: check arity, convert arguments, call, and report errors."""
    b = ctx.budget
    b.ticks -= 1
    if b.ticks < 0:
        late = b.out_of_time()
        if late is not None:
            ctx.node = node
            ctx.fail(late)
    has_final = final is not MISSING
    types, tfinal = _plan(ctx, fn.sig, name, len(args), has_final)
    if builtin and (name == "and" or name == "or"):
        want = name == "or"
        val: Any = NOVALUE
        for a in args:
            val = a(ctx, v, dot, REFLECT_VALUE)
            if truth(val) == want:
                return val
        if has_final:
            val = final
        return val
    n = len(args)
    if n == 0:
        argv = []
    elif n == 1:
        argv = [args[0](ctx, v, dot, types[0])]
    elif n == 2:
        argv = [args[0](ctx, v, dot, types[0]), args[1](ctx, v, dot, types[1])]
    else:
        argv = [a(ctx, v, dot, t) for a, t in zip(args, types, strict=True)]
    if has_final:
        argv.append(validate_type(ctx, final, tfinal))
    if builtin and name == "call":
        argv.insert(0, str(args[0].node) if args else reflect_string(final))
    try:
        result = fn.fn(*argv)
        t = type(result)
        if t is str or t is list or t is GoSlice:
            size = len(result)
            b = ctx.budget
            b.allocation -= size if t is str and result.isascii() else 4 * size if t is str else 8 * size
            if b.allocation < 0 or size > 4096:
                _check_result(b, result)
        return result
    except (_Break, _Continue, RecursionError):
        raise
    except ExecError as exc:
        ctx.node = node
        ctx.fail(f"error calling {name}: {exc}", exc)
    except GoError as exc:
        ctx.node = node
        ctx.fail(f"error calling {name}: {exc}", exc)
    except Exception as exc:  # a bug or Python error inside a function: still a template error
        ctx.node = node
        ctx.fail(f"error calling {name}: {_python_error_text(exc)}", exc)


def _check_result(budget: Budget, result: str | list) -> None:
    """A large or budget-exhausting function result: enforce the limits on it."""
    budget.spend(0)
    if type(result) is str:
        check_string(len(result))
    else:
        check_list(len(result))


def _python_error_text(exc: BaseException) -> str:
    if isinstance(exc, ZeroDivisionError):
        return "runtime error: integer divide by zero"
    if isinstance(exc, (IndexError,)):
        return f"runtime error: {exc}"
    if isinstance(exc, (AttributeError, TypeError)) and "NoneType" in str(exc):
        return "runtime error: invalid memory address or nil pointer dereference"
    return str(exc) or type(exc).__name__


# ---------------------------------------------------------------------------
# The compiler


class _Scope:
    __slots__ = ("dot_iface", "names")

    def __init__(self) -> None:
        # name -> (slot, declared by a range: its value is an interface {} element)
        self.names: ScopedNames[tuple[int, bool]] = ScopedNames()
        self.names.push("$", (0, False))
        self.dot_iface = False


class Compiler:
    """Turns one parse tree into closures.

    The closures take what they were compiled with as default arguments rather than free
    variables: no cell object per captured name (fewer objects for the garbage collector to
    scan in every loaded chart) and faster local loads. Callers never pass those arguments.
    """

    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.nslots = 1
        self.scope = _Scope()
        self.level = 0  # nesting of bodies and parenthesized pipelines at this point
        self.max_level = 0

    def compile(self) -> Compiled:
        assert self.tree.root is not None
        fn = self.block(self.tree.root)
        return Compiled(fn, self.nslots, self.max_level)

    def nested(self, build: Callable[..., Any], *args: Any) -> Any:
        """``build(*args)`` one nesting level down; every _HOP_LEVELS levels the code it
        returns charges the frames below it, so that deep nesting moves to fresh threads."""
        self.level += 1
        level = self.level
        if level > self.max_level:
            self.max_level = level
        try:
            fn = descend(_LEVEL_FRAMES, build, *args)
        finally:
            self.level -= 1
        if level % _HOP_LEVELS:
            return fn
        cost = _HOP_LEVELS * _LEVEL_FRAMES

        def run_deeper(ctx: Ctx, v: list, dot: Any, fn: Any = fn, cost: int = cost) -> Any:
            return descend(cost, fn, ctx, v, dot)

        return run_deeper

    # -- variables ---------------------------------------------------------------
    def declare(self, name: str, from_range: bool = False) -> int:
        slot = self.nslots
        self.nslots += 1
        self.scope.names.push(name, (slot, from_range))
        return slot

    def resolve(self, name: str) -> tuple[int, bool] | None:
        return self.scope.names.innermost(name)

    # -- statements --------------------------------------------------------------
    def block(self, lst: ListNode | None) -> Stmt:
        if lst is None:
            return _noop
        fns: list[Stmt] = []
        texts: list[str] = []
        for n in lst.nodes:
            if isinstance(n, TextNode):
                texts.append(n.text)
                continue
            if texts:
                fns.append(_text("".join(texts)))
                texts = []
            if isinstance(n, CommentNode):
                continue
            fns.append(self.node(n))
        if texts:
            fns.append(_text("".join(texts)))
        if not fns:
            return _noop
        if len(fns) == 1:
            return fns[0]
        steps = tuple(fns)

        def run_list(ctx: Ctx, v: list, dot: Any, steps: tuple = steps) -> None:
            for f in steps:
                f(ctx, v, dot)

        return run_list

    def node(self, n: Node) -> Stmt:
        if isinstance(n, ActionNode):
            return self.action(n)
        if isinstance(n, IfNode | WithNode):
            return self.nested(self.if_with, n)  # type: ignore[no-any-return]
        if isinstance(n, RangeNode):
            return self.nested(self.range, n)  # type: ignore[no-any-return]
        if isinstance(n, TemplateNode):
            return self.template(n)
        if isinstance(n, BreakNode):
            return _raise_break
        if isinstance(n, ContinueNode):
            return _raise_continue
        if isinstance(n, ListNode):
            return self.block(n)
        raise AssertionError(f"unknown node {n!r}")

    def action(self, n: ActionNode) -> Stmt:
        pipe = self.pipeline(n.pipe)
        if n.pipe.decl:
            def run_decl(ctx: Ctx, v: list, dot: Any, n: Node = n, pipe: Expr = pipe) -> None:
                ctx.node = n
                pipe(ctx, v, dot)

            return run_decl

        def run_action(ctx: Ctx, v: list, dot: Any, n: Node = n, pipe: Expr = pipe) -> None:
            ctx.node = n
            val = pipe(ctx, v, dot)
            if type(val) is not str:
                ctx.node = n
                val = printable(ctx, n, val)
            b = ctx.budget
            b.output -= len(val)
            if b.output < 0:
                ctx.node = n
                ctx.output_exceeded()
            ctx.w(val)

        return run_action

    def if_with(self, n: IfNode | WithNode) -> Stmt:
        mark = len(self.scope.names)
        pipe = self.pipeline(n.pipe)
        is_with = isinstance(n, WithNode)
        saved_iface = self.scope.dot_iface
        if is_with:
            self.scope.dot_iface = False
        pipe_mark = len(self.scope.names)
        body = self.block(n.list)
        self.scope.dot_iface = saved_iface
        # Variables declared in the body are not visible in the else branch at run time.
        self.scope.names.truncate(pipe_mark)
        else_fn = self.block(n.else_list) if n.else_list is not None else None
        self.scope.names.truncate(mark)

        if is_with:
            def run_with(ctx: Ctx, v: list, dot: Any, pipe: Expr = pipe, body: Stmt = body,
                         else_fn: Stmt | None = else_fn) -> None:
                val = pipe(ctx, v, dot)
                if truth(val):
                    body(ctx, v, val)
                elif else_fn is not None:
                    else_fn(ctx, v, dot)

            return run_with

        def run_if(ctx: Ctx, v: list, dot: Any, pipe: Expr = pipe, body: Stmt = body,
                   else_fn: Stmt | None = else_fn) -> None:
            if truth(pipe(ctx, v, dot)):
                body(ctx, v, dot)
            elif else_fn is not None:
                else_fn(ctx, v, dot)

        return run_if

    def range(self, n: RangeNode) -> Stmt:
        mark = len(self.scope.names)
        decl = n.pipe.decl
        pipe = self.pipeline(n.pipe, range_decl=True)
        slots = [self._slot_of(d.ident[0]) for d in decl]
        if len(decl) == 2 and not n.pipe.is_assign:
            # The index (or key) variable holds a concrete int or string.
            index_slot = slots[0]
            self.scope.names.replace(decl[0].ident[0], lambda entry: entry[0] == index_slot,
                                     (index_slot, False))
        saved_iface = self.scope.dot_iface
        self.scope.dot_iface = True
        body_mark = len(self.scope.names)
        body = self.block(n.list)
        self.scope.names.truncate(body_mark)
        self.scope.dot_iface = saved_iface
        else_fn = self.block(n.else_list) if n.else_list is not None else None
        self.scope.names.truncate(mark)
        ndecl = len(decl)
        s_index = slots[0] if ndecl == 2 else -1
        s_elem = slots[-1] if ndecl else -1

        def one(ctx: Ctx, v: list, index: Any, elem: Any) -> None:
            if s_elem >= 0:
                v[s_elem] = elem
            if s_index >= 0:
                v[s_index] = index
            try:  # noqa: SIM105 - a bare try is cheaper than contextlib.suppress
                body(ctx, v, elem)
            except _Continue:
                pass

        def run_range(ctx: Ctx, v: list, dot: Any) -> None:
            ctx.node = n
            val = pipe(ctx, v, dot)
            saved_iface = ctx.elem_iface
            t = type(val)
            ctx.elem_iface = t is list or t is dict or getattr(val, "elem", "") in INTERFACE_TYPES
            _charge_iterations(ctx, val)
            try:
                if isinstance(val, list):
                    if val:
                        for i, e in enumerate(val):
                            one(ctx, v, i, e)
                        return
                elif isinstance(val, dict):
                    if val:
                        for k in sorted(val):
                            one(ctx, v, k, val[k])
                        return
                elif isinstance(val, int) and not isinstance(val, bool):
                    if ndecl > 1:
                        ctx.fail(f"can't use {format_value(val)} to iterate over more than one variable")
                    if val > 0:
                        cls = type(val)
                        for i in range(int(val)):
                            one(ctx, v, NOVALUE, i if cls is int else cls(i))
                        return
                elif isinstance(val, (bytes, bytearray)):
                    if val:
                        for i, b in enumerate(val):
                            one(ctx, v, i, Uint8(b))
                        return
                elif val is not NOVALUE:
                    ctx.fail(f"range can't iterate over {format_value(val)}")
            except _Break:
                return
            finally:
                ctx.elem_iface = saved_iface
            if else_fn is not None:
                else_fn(ctx, v, dot)

        return run_range

    def _slot_of(self, name: str) -> int:
        found = self.resolve(name)
        if found is None:
            return -1
        return found[0]

    def template(self, n: TemplateNode) -> Stmt:
        name = n.name
        pipe = self.pipeline(n.pipe) if n.pipe is not None else None

        def run_template(ctx: Ctx, v: list, dot: Any) -> None:
            ctx.node = n
            tmpl = ctx.lookup(name)
            if tmpl is None:
                ctx.fail(f"template {quote(name)} not defined")
            if ctx.depth >= MAX_EXEC_DEPTH:
                ctx.fail(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
            b = ctx.budget
            b.ticks -= 1
            if b.ticks < 0:
                late = b.out_of_time()
                if late is not None:
                    ctx.fail(late)
            newdot = pipe(ctx, v, dot) if pipe is not None else NOVALUE
            saved = ctx.name
            ctx.depth += 1
            ctx.name = name
            compiled = tmpl.compiled()
            try:
                descend(compiled.frames, compiled.run, ctx, newdot)
            except RecursionError:
                ctx.name = saved
                ctx.node = n
                ctx.fail(f"exceeded maximum template depth ({MAX_EXEC_DEPTH})")
            ctx.depth -= 1
            ctx.name = saved

        return run_template

    # -- pipelines and commands --------------------------------------------------
    def pipeline(self, pipe: PipeNode, range_decl: bool = False) -> Expr:
        cmds = [self.command(c) for c in pipe.cmds]
        slots: list[int] = []
        undefined = ""
        for d in pipe.decl:
            name = d.ident[0]
            if pipe.is_assign:
                found = self.resolve(name)
                if found is None:
                    undefined = name
                    slots.append(-1)
                else:
                    slots.append(found[0])
            else:
                slots.append(self.declare(name, from_range=range_decl))
        if len(cmds) == 1 and not slots:
            only = cmds[0]

            def run_one(ctx: Ctx, v: list, dot: Any, pipe: PipeNode = pipe, only: Cmd = only) -> Any:
                ctx.node = pipe
                val = only(ctx, v, dot, MISSING)
                return NOVALUE if val is None else val

            return run_one
        cmd_t = tuple(cmds)
        slot_t = tuple(slots)

        def run_pipe(ctx: Ctx, v: list, dot: Any, pipe: PipeNode = pipe, cmd_t: tuple = cmd_t,
                     slot_t: tuple = slot_t, undefined: str = undefined) -> Any:
            ctx.node = pipe
            val = MISSING
            for c in cmd_t:
                val = c(ctx, v, dot, val)
                if val is None:
                    val = NOVALUE
            if undefined:
                ctx.fail(f"undefined variable: {undefined}")
            for s in slot_t:
                v[s] = val
            return val

        return run_pipe

    def command(self, cmd: CommandNode) -> Cmd:
        first = cmd.args[0]
        rest = cmd.args[1:]
        if isinstance(first, FieldNode):
            return self.field_chain(first, first.ident, rest, self.scope.dot_iface)
        if isinstance(first, ChainNode):
            return self.chain(first, rest)
        if isinstance(first, IdentifierNode):
            return self.function(first, cmd, rest)
        if isinstance(first, VariableNode):
            return self.variable(first, rest)
        if isinstance(first, PipeNode):
            inner = self.nested(self.pipeline, first)
            has_rest = bool(rest)

            def run_paren(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
                if has_rest or final is not MISSING:
                    ctx.fail(f"can't give argument to non-function {first}")
                return inner(ctx, v, dot)

            return run_paren
        return self.literal_command(first, bool(rest))

    def literal_command(self, first: Node, has_rest: bool) -> Cmd:
        if isinstance(first, DotNode):
            def run_dot(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
                ctx.node = first
                if has_rest or final is not MISSING:
                    ctx.fail(f"can't give argument to non-function {first}")
                return dot

            return run_dot
        if isinstance(first, NumberNode):
            def run_number(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
                ctx.node = first
                if has_rest or final is not MISSING:
                    ctx.fail(f"can't give argument to non-function {first}")
                return ideal_constant(ctx, first)

            return run_number
        if isinstance(first, NilNode):
            def run_nil(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
                ctx.node = first
                if has_rest or final is not MISSING:
                    ctx.fail(f"can't give argument to non-function {first}")
                ctx.fail("nil is not a command")

            return run_nil
        value = first.true if isinstance(first, BoolNode) else first.text  # type: ignore[attr-defined]

        def run_const(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
            ctx.node = first
            if has_rest or final is not MISSING:
                ctx.fail(f"can't give argument to non-function {first}")
            return value

        return run_const

    def args(self, nodes: list[Node]) -> list[Arg]:
        return [self.arg(n) for n in nodes]

    def arg(self, n: Node) -> Arg:
        """Go's evalArg for one operand, as a closure taking the parameter type."""
        if isinstance(n, DotNode):
            def arg_dot(ctx: Ctx, v: list, dot: Any, typ: str | None, n: Node = n) -> Any:
                ctx.node = n
                return validate_type(ctx, dot, typ)

            fn: Any = arg_dot
        elif isinstance(n, NilNode):
            def arg_nil(ctx: Ctx, v: list, dot: Any, typ: str | None) -> Any:
                ctx.node = n
                if typ == REFLECT_VALUE:
                    return NOVALUE
                if typ is None:
                    return None
                if can_be_nil(typ):
                    return zero_of(typ)
                ctx.fail(f"cannot assign nil to {typ}")

            fn = arg_nil
        elif isinstance(n, (FieldNode, VariableNode, PipeNode, IdentifierNode, ChainNode)):
            if isinstance(n, FieldNode):
                ev = self.field_chain(n, n.ident, [], self.scope.dot_iface)
            elif isinstance(n, VariableNode):
                ev = self.variable(n, [])
            elif isinstance(n, PipeNode):
                inner = self.nested(self.pipeline, n)

                def ev(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
                    return inner(ctx, v, dot)
            elif isinstance(n, IdentifierNode):
                ev = self.function(n, n, [])
            else:
                ev = self.chain(n, [])

            def arg_eval(ctx: Ctx, v: list, dot: Any, typ: str | None, n: Node = n, ev: Cmd = ev) -> Any:
                ctx.node = n
                val = ev(ctx, v, dot, MISSING)
                if typ is None:
                    return val
                if typ in INTERFACE_TYPES:
                    return None if val is NOVALUE else val
                return validate_type(ctx, val, typ)

            fn = arg_eval
        else:
            cache: dict[str | None, Any] = {}

            def arg_literal(ctx: Ctx, v: list, dot: Any, typ: str | None, n: Node = n,
                            cache: dict = cache) -> Any:
                ctx.node = n
                if typ in cache:
                    return cache[typ]
                val = literal_arg(ctx, n, typ or "interface {}")
                if not isinstance(val, (list, dict)):
                    cache[typ] = val
                return val

            fn = arg_literal
        fn.node = n
        return fn

    def function(self, ident: IdentifierNode, node: Node, rest: list[Node]) -> Cmd:
        name = ident.ident
        args = self.args(rest)

        def run_function(ctx: Ctx, v: list, dot: Any, final: Any, ident: IdentifierNode = ident,
                         name: str = name, node: Node = node, args: list = args) -> Any:
            ctx.node = ident
            fn = ctx.funcs.get(name)
            if fn is None:
                ctx.fail(f"{quote(name)} is not a defined function")
            if type(fn) is not GoFunc and not isinstance(fn, GoFunc):
                fn = _plain_function(fn, name)
            return call(ctx, v, dot, fn, name, node, args, final, getattr(fn, "builtin", False))

        return run_function

    def variable(self, n: VariableNode, rest: list[Node]) -> Cmd:
        name = n.ident[0]
        found = self.resolve(name)
        has_rest = bool(rest)
        if found is None:
            def run_undefined(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
                ctx.node = n
                ctx.fail(f"undefined variable: {name}")

            return run_undefined
        slot, from_range = found
        if len(n.ident) == 1:
            def run_var(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
                ctx.node = n
                if has_rest or final is not MISSING:
                    ctx.fail(f"can't give argument to non-function {n.ident[0]}")
                return v[slot]

            return run_var
        chain = self.field_chain(n, n.ident[1:], rest, from_range)

        def run_var_chain(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
            ctx.node = n
            return chain(ctx, v, v[slot], final, dot)

        return run_var_chain

    def chain(self, n: ChainNode, rest: list[Node]) -> Cmd:
        inner = self.arg(n.node)
        fields = self.field_chain(n, n.field, rest, False)

        def run_chain(ctx: Ctx, v: list, dot: Any, final: Any) -> Any:
            ctx.node = n
            recv = inner(ctx, v, dot, None)
            return fields(ctx, v, recv, final, dot)

        return run_chain

    def field_chain(self, node: Node, names: list[str], rest: list[Node], first_iface: bool) -> Any:
        """Go's evalFieldChain. For FieldNode the receiver is dot; otherwise it is passed in."""
        args = self.args(rest)
        first_prev = _RANGE if first_iface else _CONCRETE
        head = tuple(names[:-1])
        last = names[-1]
        is_field = isinstance(node, FieldNode)

        def walk(ctx: Ctx, v: list, dot: Any, recv: Any, final: Any, first_prev: Any = first_prev,
                 head: tuple = head, last: str = last, node: Node = node, args: list = args) -> Any:
            prev = first_prev
            prev_name = ""
            for name in head:
                if type(recv) is dict:
                    try:
                        nxt = recv[name]
                    except KeyError:
                        nxt = missing_key(ctx, recv, name)
                else:
                    nxt = eval_field(ctx, v, dot, name, node, None, MISSING, recv, prev, prev_name)
                prev = recv
                prev_name = name
                recv = nxt
            if type(recv) is dict and not args and final is MISSING:
                try:
                    return recv[last]
                except KeyError:
                    return missing_key(ctx, recv, last)
            return eval_field(ctx, v, dot, last, node, args, final, recv, prev, prev_name)

        if is_field:
            def run_field(ctx: Ctx, v: list, dot: Any, final: Any, node: Node = node,
                          walk: Any = walk) -> Any:
                ctx.node = node
                return walk(ctx, v, dot, dot, final)

            return run_field

        def run_recv(ctx: Ctx, v: list, recv: Any, final: Any, dot: Any = NOVALUE, walk: Any = walk) -> Any:
            return walk(ctx, v, dot, recv, final)

        return run_recv


_ANY_ARGS = Signature((), "interface {}")


def _plain_function(fn: Any, name: str) -> GoFunc:
    """A Python callable registered without a signature takes any arguments as interface {}."""
    return GoFunc(fn, _ANY_ARGS, name)


def _charge_iterations(ctx: Ctx, val: Any) -> None:
    """Charge a range's iterations up front: no per-iteration cost, and a huge one fails at once."""
    if isinstance(val, int) and not isinstance(val, bool):
        count = max(int(val), 0)
    elif isinstance(val, (list, dict, bytes, bytearray)):
        count = len(val)
    else:
        return
    b = ctx.budget
    b.iterations -= count
    if b.iterations < 0:
        ctx.fail(b.iterations_exceeded())


def _noop(ctx: Ctx, v: list, dot: Any) -> None:
    return None


def _text(text: str) -> Stmt:
    def run_text(ctx: Ctx, v: list, dot: Any, text: str = text, size: int = len(text)) -> None:
        b = ctx.budget
        b.output -= size
        if b.output < 0:
            ctx.output_exceeded()
        ctx.w(text)

    return run_text


def _raise_break(ctx: Ctx, v: list, dot: Any) -> None:
    raise _BREAK


def _raise_continue(ctx: Ctx, v: list, dot: Any) -> None:
    raise _CONTINUE


def compile_tree(tree: Tree) -> Compiled:
    return Compiler(tree).compile()


__all__ = ["MISSING", "NOVALUE", "Compiled", "Ctx", "GoInt", "compile_tree"]
