"""Parse-tree nodes modelled on Go's ``text/template/parse``.

``str(node)`` gives Go's ``String()`` form, which execution errors quote
(``<.Values.missing.foo>``, ``<include "nope" .>``).
"""

from __future__ import annotations

from kts.gotemplate.strconv import go_bytes, quote


class Source:
    """Where nodes came from: the name of the parse that produced them and its text.

    Nodes point here rather than at their ``Tree``, so a tree and its nodes form no
    reference cycle and are freed as soon as the last reference goes.
    """

    __slots__ = ("parse_name", "text")

    def __init__(self, parse_name: str, text: str) -> None:
        self.parse_name = parse_name
        self.text = text

    def location(self, pos: int) -> tuple[int, int]:
        """1-based line and Go's 0-based byte column of a character offset."""
        text = self.text
        line = text.count("\n", 0, pos) + 1
        start = text.rfind("\n", 0, pos) + 1
        seg = text[start:pos]
        col = len(seg) if seg.isascii() else len(go_bytes(seg))
        return line, col


class Tree:
    """A parsed template: its name, the name of the parse that produced it, and the text."""

    __slots__ = ("name", "root", "source")

    def __init__(self, name: str, parse_name: str, text: str, source: Source | None = None) -> None:
        self.name = name
        self.source = source if source is not None else Source(parse_name, text)
        self.root: ListNode | None = None

    @property
    def parse_name(self) -> str:
        return self.source.parse_name

    @property
    def text(self) -> str:
        return self.source.text

    def location(self, pos: int) -> tuple[int, int]:
        return self.source.location(pos)


class Node:
    __slots__ = ("pos", "tree")

    def __init__(self, tree: Source | None, pos: int) -> None:
        self.tree = tree
        self.pos = pos

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def parts(self) -> list[str | Node]:
        """This node's text as pieces, child nodes unexpanded (see ``node_text``)."""
        return [str(self)]


class ListNode(Node):
    __slots__ = ("nodes",)

    def __init__(self, tree: Source | None, pos: int) -> None:
        self.tree = tree
        self.pos = pos
        self.nodes: list[Node] = []

    def __str__(self) -> str:
        return node_text(self)

    def parts(self) -> list[str | Node]:
        return list(self.nodes)


class TextNode(Node):
    __slots__ = ("text",)

    def __init__(self, tree: Source | None, pos: int, text: str) -> None:
        self.tree = tree
        self.pos = pos
        self.text = text

    def __str__(self) -> str:
        return self.text


class CommentNode(Node):
    __slots__ = ("text",)

    def __init__(self, tree: Source | None, pos: int, text: str) -> None:
        self.tree = tree
        self.pos = pos
        self.text = text

    def __str__(self) -> str:
        return "{{" + self.text + "}}"


class PipeNode(Node):
    __slots__ = ("cmds", "decl", "is_assign", "line")

    def __init__(self, tree: Source | None, pos: int, line: int) -> None:
        self.tree = tree
        self.pos = pos
        self.line = line
        self.is_assign = False
        self.decl: list[VariableNode] = []
        self.cmds: list[CommandNode] = []

    def __str__(self) -> str:
        return node_text(self)

    def parts(self) -> list[str | Node]:
        out: list[str | Node] = []
        if self.decl:
            out.append(", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := "))
        for i, c in enumerate(self.cmds):
            if i:
                out.append(" | ")
            out.append(c)
        return out


class ActionNode(Node):
    __slots__ = ("line", "pipe")

    def __init__(self, tree: Source | None, pos: int, line: int, pipe: PipeNode) -> None:
        self.tree = tree
        self.pos = pos
        self.line = line
        self.pipe = pipe

    def __str__(self) -> str:
        return node_text(self)

    def parts(self) -> list[str | Node]:
        return ["{{", self.pipe, "}}"]


class CommandNode(Node):
    __slots__ = ("args",)

    def __init__(self, tree: Source | None, pos: int) -> None:
        self.tree = tree
        self.pos = pos
        self.args: list[Node] = []

    def __str__(self) -> str:
        return node_text(self)

    def parts(self) -> list[str | Node]:
        out: list[str | Node] = []
        for i, a in enumerate(self.args):
            if i:
                out.append(" ")
            out.extend(("(", a, ")") if isinstance(a, PipeNode) else (a,))
        return out


class IdentifierNode(Node):
    __slots__ = ("ident",)

    def __init__(self, tree: Source | None, pos: int, ident: str) -> None:
        self.tree = tree
        self.pos = pos
        self.ident = ident

    def __str__(self) -> str:
        return self.ident


class VariableNode(Node):
    __slots__ = ("ident",)

    def __init__(self, tree: Source | None, pos: int, ident: str) -> None:
        self.tree = tree
        self.pos = pos
        self.ident = ident.split(".")

    def __str__(self) -> str:
        return ".".join(self.ident)


class DotNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "."


class NilNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "nil"


class FieldNode(Node):
    __slots__ = ("ident",)

    def __init__(self, tree: Source | None, pos: int, ident: str) -> None:
        self.tree = tree
        self.pos = pos
        self.ident = ident[1:].split(".")

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    __slots__ = ("field", "node")

    def __init__(self, tree: Source | None, pos: int, node: Node) -> None:
        self.tree = tree
        self.pos = pos
        self.node = node
        self.field: list[str] = []

    def add(self, field: str) -> None:
        self.field.extend(field[1:].split("."))

    def __str__(self) -> str:
        return node_text(self)

    def parts(self) -> list[str | Node]:
        head: list[str | Node] = ["(", self.node, ")"] if isinstance(self.node, PipeNode) else [self.node]
        return [*head, "".join("." + f for f in self.field)]


class BoolNode(Node):
    __slots__ = ("true",)

    def __init__(self, tree: Source | None, pos: int, true: bool) -> None:
        self.tree = tree
        self.pos = pos
        self.true = true

    def __str__(self) -> str:
        return "true" if self.true else "false"


class NumberNode(Node):
    """A numeric constant with every interpretation Go allows for it."""

    __slots__ = ("complex128", "float64", "int64", "is_complex", "is_float", "is_int", "is_uint",
                 "text", "uint64")

    def __init__(self, tree: Source | None, pos: int, text: str) -> None:
        self.tree = tree
        self.pos = pos
        self.text = text
        self.is_int = self.is_uint = self.is_float = self.is_complex = False
        self.int64 = 0
        self.uint64 = 0
        self.float64 = 0.0
        self.complex128 = 0j

    def __str__(self) -> str:
        return self.text


class StringNode(Node):
    __slots__ = ("quoted", "text")

    def __init__(self, tree: Source | None, pos: int, quoted: str, text: str) -> None:
        self.tree = tree
        self.pos = pos
        self.quoted = quoted
        self.text = text

    def __str__(self) -> str:
        return self.quoted


class EndNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "{{end}}"


class _KeywordNode(Node):
    """A bare keyword action (``{{else}}``, ``{{break}}``, ``{{continue}}``) and its line."""

    __slots__ = ("line",)
    text = ""

    def __init__(self, tree: Source | None, pos: int, line: int) -> None:
        self.tree = tree
        self.pos = pos
        self.line = line

    def __str__(self) -> str:
        return self.text


class ElseNode(_KeywordNode):
    __slots__ = ()
    text = "{{else}}"


class BranchNode(Node):
    __slots__ = ("else_list", "line", "list", "pipe")
    keyword = ""

    def __init__(self, tree: Source | None, pos: int, line: int, pipe: PipeNode, lst: ListNode,
                 else_list: ListNode | None) -> None:
        self.tree = tree
        self.pos = pos
        self.line = line
        self.pipe = pipe
        self.list = lst
        self.else_list = else_list

    def __str__(self) -> str:
        return node_text(self)

    def parts(self) -> list[str | Node]:
        out: list[str | Node] = ["{{" + self.keyword + " ", self.pipe, "}}", self.list]
        if self.else_list is not None:
            out += ["{{else}}", self.else_list]
        out.append("{{end}}")
        return out


class IfNode(BranchNode):
    __slots__ = ()
    keyword = "if"


class RangeNode(BranchNode):
    __slots__ = ()
    keyword = "range"


class WithNode(BranchNode):
    __slots__ = ()
    keyword = "with"


class BreakNode(_KeywordNode):
    __slots__ = ()
    text = "{{break}}"


class ContinueNode(_KeywordNode):
    __slots__ = ()
    text = "{{continue}}"


class TemplateNode(Node):
    __slots__ = ("line", "name", "pipe")

    def __init__(self, tree: Source | None, pos: int, line: int, name: str, pipe: PipeNode | None) -> None:
        self.tree = tree
        self.pos = pos
        self.line = line
        self.name = name
        self.pipe = pipe

    def __str__(self) -> str:
        return node_text(self)

    def parts(self) -> list[str | Node]:
        if self.pipe is None:
            return ["{{template " + quote(self.name) + "}}"]
        return ["{{template " + quote(self.name) + " ", self.pipe, "}}"]


def node_text(node: Node) -> str:
    """Go's ``Node.String``, with an explicit stack: parse trees nest as deep as Go allows."""
    out: list[str] = []
    stack: list[str | Node] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        else:
            stack.extend(reversed(item.parts()))
    return "".join(out)


# unicode.IsSpace: Latin-1 spaces plus the Unicode White_Space characters above Latin-1.
_GO_SPACE = (" \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def is_empty_tree(n: Node | None) -> bool:
    """Go's ``parse.IsEmptyTree``: only whitespace text and comments."""
    if n is None:
        return True
    if isinstance(n, ListNode):
        return all(is_empty_tree(x) for x in n.nodes)
    if isinstance(n, TextNode):
        return n.text.strip(_GO_SPACE) == ""
    return isinstance(n, CommentNode)
