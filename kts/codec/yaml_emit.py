"""The libyaml emitter as go-yaml embeds it, for the block-style documents ``Marshal`` writes.

Only what go-yaml's encoder produces is supported (block collections, ``[]``/``{}`` for empty
ones, plain/quoted/literal scalars), but the column, whitespace and indentation bookkeeping is
libyaml's, so quoting choices, 80-column folding and block-scalar hints come out the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kts.codec import stackless
from kts.codec.stackless import Step

PLAIN, SINGLE, DOUBLE, LITERAL = "plain", "single", "double", "literal"

_BREAKS = "\r\n\x85\u2028\u2029"


_SIMPLE_PLAIN = re.compile(r"(?!\.\.\.)[A-Za-z0-9_/.=+~$()^;<\\][A-Za-z0-9_/.=+~$()^;<>\\'\"*&!|%@`-]*\Z")
_NOT_PRINTABLE = re.compile("[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]")


def is_printable(ch: str) -> bool:
    o = ord(ch)
    return (o == 0x0A or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF
            or (0xE000 <= o <= 0xFFFD and o != 0xFEFF))


@dataclass
class Scalar:
    """A scalar event: text, requested style, and an optional tag (``!!binary``)."""

    value: str
    style: str = PLAIN
    tag: str = ""


class Mapping(list):
    """A mapping node: a list of (key, value) node pairs in output order."""


@dataclass
class _Analysis:
    multiline: bool = False
    flow_plain: bool = True
    block_plain: bool = True
    single_quoted: bool = True
    block: bool = True


def analyze(value: str, v3: bool = False) -> _Analysis:
    """yaml_emitter_analyze_scalar (unicode output enabled); v3 lets tabs into block scalars."""
    if not value:
        return _Analysis(False, False, True, True, False)
    if _SIMPLE_PLAIN.match(value):
        return _Analysis()
    block_ind = flow_ind = False
    line_breaks = special = tabs = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = False
    previous_space = previous_break = False
    if value.startswith(("---", "...")):
        block_ind = flow_ind = True
    preceded_by_ws = True
    n = len(value)
    for i, ch in enumerate(value):
        followed_by_ws = i + 1 >= n or value[i + 1] in " \t"
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`":
                flow_ind = block_ind = True
            elif ch in "?:":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif ch == "-" and followed_by_ws:
                flow_ind = block_ind = True
        else:
            if ch in ",?[]{}":
                flow_ind = True
            elif ch == ":":
                flow_ind = True
                if followed_by_ws:
                    block_ind = True
            elif ch == "#" and preceded_by_ws:
                flow_ind = block_ind = True
        if v3 and ch == "\t":
            tabs = True
        elif _NOT_PRINTABLE.match(ch):
            special = True
        if ch == " ":
            if i == 0:
                leading_space = True
            if i == n - 1:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif ch in _BREAKS:
            line_breaks = True
            if i == 0:
                leading_break = True
            if i == n - 1:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = ch in " \t" or ch in _BREAKS
    a = _Analysis(multiline=line_breaks)
    if leading_space or leading_break or trailing_space or trailing_break:
        a.flow_plain = a.block_plain = False
    if trailing_space:
        a.block = False
    if break_space:
        a.flow_plain = a.block_plain = a.single_quoted = False
    if space_break or tabs or special:
        a.flow_plain = a.block_plain = a.single_quoted = False
    if space_break or special:
        a.block = False
    if line_breaks:
        a.flow_plain = a.block_plain = False
    if flow_ind:
        a.flow_plain = False
    if block_ind:
        a.block_plain = False
    return a


class Emitter:
    """Write one document; ``best_width`` < 0 disables folding (go-yaml v3 style)."""

    def __init__(self, best_indent: int = 2, best_width: int = 80, *, v3: bool = False) -> None:
        self.best_indent = best_indent if 2 <= best_indent <= 9 else 2
        self.best_width = best_width if best_width >= 0 else (1 << 31) - 1
        if 0 <= best_width <= self.best_indent * 2:
            self.best_width = 80
        self.v3 = v3
        self.out: list[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True
        self.indent = -1
        self.indents: list[int] = []
        self.flow_level = 0
        self.root_context = self.sequence_context = self.mapping_context = False
        self.simple_key_context = False

    # -- low-level writers ----------------------------------------------------------------

    def put(self, s: str) -> None:
        self.out.append(s)
        self.column += 1

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0

    def write_break_char(self, ch: str) -> None:
        if ch == "\n":
            self.put_break()
        else:
            self.out.append(ch)
            self.column = 0

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.out.append(" " * (indent - self.column))
            self.column = indent
        self.whitespace = True
        self.indention = True

    def write_indicator(self, text: str, need_ws: bool, is_ws: bool, is_indention: bool) -> None:
        if need_ws and not self.whitespace:
            self.put(" ")
        for ch in text:
            self.put(ch)
        self.whitespace = is_ws
        self.indention = self.indention and is_indention

    def increase_indent(self, flow: bool, indentless: bool) -> None:
        self.indents.append(self.indent)
        if self.indent < 0:
            self.indent = self.best_indent if flow else 0
        elif not indentless:
            self.indent += self.best_indent

    def pop_indent(self) -> None:
        self.indent = self.indents.pop()

    # -- document ---------------------------------------------------------------------------

    def document(self, node: Any) -> str:
        """The text of one implicit document holding ``node`` (dict/list/Scalar tree)."""
        stackless.run(self._node, (node, True, False, False, False))
        self.write_indent()
        return "".join(self.out)

    def _node(self, task: tuple[Any, bool, bool, bool, bool]) -> Step[None]:
        """One node in its context; collections yield their child nodes (go-yaml recurses)."""
        node, self.root_context, self.sequence_context, self.mapping_context, self.simple_key_context = task
        if isinstance(node, Scalar):
            self.scalar(node, analyze(node.value, self.v3))
        elif isinstance(node, Mapping):
            yield from self.mapping(node)
        else:
            yield from self.sequence(node)

    def sequence(self, items: list[Any]) -> Step[None]:
        if self.flow_level or not items:
            self.write_indicator("[", True, True, False)
            self.increase_indent(True, False)
            self.flow_level += 1
            for i, item in enumerate(items):
                if i:
                    self.write_indicator(",", False, False, False)
                if self.column > self.best_width:
                    self.write_indent()
                yield item, False, True, False, False
            self.flow_level -= 1
            self.pop_indent()
            self.write_indicator("]", False, False, False)
            return
        indentless = self.mapping_context and not self.indention
        if self.v3:
            indentless = False
        self.increase_indent(False, indentless)
        for item in items:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            yield item, False, True, False, False
        self.pop_indent()

    def mapping(self, items: Mapping) -> Step[None]:
        if self.flow_level or not items:
            self.write_indicator("{", True, True, False)
            self.increase_indent(True, False)
            self.flow_level += 1
            self.flow_level -= 1
            self.pop_indent()
            self.write_indicator("}", False, False, False)
            return
        self.increase_indent(False, False)
        for key, value in items:
            self.write_indent()
            if self._simple_key(key):
                yield key, False, False, True, True
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                yield key, False, False, True, False
                self.write_indent()
                self.write_indicator(":", True, False, True)
            yield value, False, False, True, False
        self.pop_indent()

    def _simple_key(self, key: Any) -> bool:
        if isinstance(key, Scalar):
            if analyze(key.value, self.v3).multiline:
                return False
            length = len(key.value.encode("utf-8", "surrogatepass"))
            if key.tag:
                length += len(key.tag)
            return length <= 128
        return isinstance(key, list) and not key

    # -- scalars ----------------------------------------------------------------------------

    def select_style(self, s: Scalar, a: _Analysis) -> str:
        style = s.style
        if self.simple_key_context and a.multiline:
            style = DOUBLE
        if style == PLAIN:
            if (self.flow_level and not a.flow_plain) or (not self.flow_level and not a.block_plain):
                style = SINGLE
            if not s.value and (self.flow_level or self.simple_key_context):
                style = SINGLE
        if style == SINGLE and not a.single_quoted:
            style = DOUBLE
        if style == LITERAL and (not a.block or self.flow_level or self.simple_key_context):
            style = DOUBLE
        return style

    def scalar(self, s: Scalar, a: _Analysis) -> None:
        style = self.select_style(s, a)
        if s.tag:
            self.write_indicator(s.tag, True, False, False)
        self.increase_indent(True, False)
        allow_breaks = not self.simple_key_context
        if style == PLAIN:
            self.write_plain(s.value, allow_breaks)
        elif style == SINGLE:
            self.write_single(s.value, allow_breaks)
        elif style == DOUBLE:
            self.write_double(s.value, allow_breaks)
        else:
            self.write_literal(s.value)
        self.pop_indent()

    def write_plain(self, value: str, allow_breaks: bool) -> None:
        if not self.whitespace:
            self.put(" ")
        if " " not in value and not any(b in value for b in _BREAKS):
            self.out.append(value)
            self.column += len(value)
            self.whitespace = False
            self.indention = False
            return
        spaces = breaks = False
        n = len(value)
        for i, ch in enumerate(value):
            if ch == " ":
                nxt = value[i + 1] if i + 1 < n else ""
                if allow_breaks and not spaces and self.column > self.best_width and nxt != " ":
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in _BREAKS:
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break_char(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = False
                spaces = breaks = False
        self.whitespace = False
        self.indention = False

    def write_single(self, value: str, allow_breaks: bool) -> None:
        self.write_indicator("'", True, False, False)
        spaces = breaks = False
        n = len(value)
        for i, ch in enumerate(value):
            if ch == " ":
                nxt = value[i + 1] if i + 1 < n else ""
                if (allow_breaks and not spaces and self.column > self.best_width and 0 < i < n - 1
                        and nxt != " "):
                    self.write_indent()
                else:
                    self.put(ch)
                spaces = True
            elif ch in _BREAKS:
                if not breaks and ch == "\n":
                    self.put_break()
                self.write_break_char(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                if ch == "'":
                    self.put("'")
                self.put(ch)
                self.indention = False
                spaces = breaks = False
        self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    _ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f",
                0x0D: "r", 0x1B: "e", 0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_",
                0x2028: "L", 0x2029: "P"}

    def write_double(self, value: str, allow_breaks: bool) -> None:
        spaces = False
        self.write_indicator('"', True, False, False)
        bom = value.startswith("\ufeff")
        n = len(value)
        for i, ch in enumerate(value):
            if not is_printable(ch) or bom or ch in _BREAKS or ch in '"\\':
                o = ord(ch)
                self.put("\\")
                esc = self._ESCAPES.get(o)
                if esc is not None:
                    self.put(esc)
                else:
                    code = f"x{o:02X}" if o <= 0xFF else f"u{o:04X}" if o <= 0xFFFF else f"U{o:08X}"
                    for c in code:
                        self.put(c)
                spaces = False
            elif ch == " ":
                if allow_breaks and not spaces and self.column > self.best_width and 0 < i < n - 1:
                    self.write_indent()
                    if i + 1 < n and value[i + 1] == " ":
                        self.put("\\")
                else:
                    self.put(ch)
                spaces = True
            else:
                self.put(ch)
                spaces = False
        self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def write_literal(self, value: str) -> None:
        self.write_indicator("|", True, False, False)
        if value[:1] == " " or (value[:1] in _BREAKS and value):
            self.write_indicator(str(self.best_indent), False, False, False)
        chomp = ""
        if not value or value[-1] not in _BREAKS:
            chomp = "-"
        elif len(value) == 1 or value[-2] in _BREAKS:
            chomp = "+"
        if chomp:
            self.write_indicator(chomp, False, False, False)
        self.put_break()
        self.indention = True
        self.whitespace = True
        breaks = True
        for ch in value:
            if ch in _BREAKS:
                self.write_break_char(ch)
                self.indention = True
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(ch)
                self.indention = False
                breaks = False
