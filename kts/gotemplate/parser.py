"""The template parser, following Go's ``text/template/parse`` step for step.

Step-for-step matters: Go reports a parse error at the line of the most recently lexed
token, so the three-token lookahead is reproduced exactly.
"""

from __future__ import annotations

from collections.abc import Callable

from kts.gotemplate import lexer as L
from kts.gotemplate.deep import descend
from kts.gotemplate.errors import ParseError
from kts.gotemplate.lexer import (
    ASSIGN,
    BLOCK,
    BOOL,
    BREAK,
    CHAR,
    CHAR_CONSTANT,
    COMPLEX,
    CONTINUE,
    DECLARE,
    DEFINE,
    DOT,
    ELSE,
    END,
    EOF,
    ERROR,
    FIELD,
    IDENTIFIER,
    IF,
    LEFT_DELIM,
    LEFT_PAREN,
    NIL,
    NUMBER,
    PIPE,
    RANGE,
    RAW_STRING,
    RIGHT_DELIM,
    RIGHT_PAREN,
    SPACE,
    STRING,
    TEMPLATE,
    TEXT,
    VARIABLE,
    WITH,
)
from kts.gotemplate.literals import LiteralError, make_number, unquote
from kts.gotemplate.nodes import (
    ActionNode,
    BoolNode,
    BranchNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    ElseNode,
    EndNode,
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
    is_empty_tree,
)
from kts.gotemplate.scopes import ScopedNames

MAX_STACK_DEPTH = 10000
_LEVEL_FRAMES = 6  # Python frames one level of nesting costs the parser, rounded up


class Parser:
    """Parses one template text; defines go into ``tree_set`` keyed by name."""

    def __init__(self, tree: Tree, items: list[L.Item], has_function: Callable[[str], bool],
                 tree_set: dict[str, Tree]) -> None:
        self.tree = tree
        self.src = tree.source  # what nodes refer to (see Source)
        self.items = items
        self.idx = 0
        self.last = len(items) - 1
        self.token: list[L.Item] = [items[0], items[0], items[0]]
        self.peek_count = 0
        self.vars: ScopedNames[None] = ScopedNames()
        self.vars.push("$", None)
        self.has_function = has_function
        self.tree_set = tree_set
        self.action_line = 0
        self.range_depth = 0
        self.stack_depth = 0

    # -- token stream ------------------------------------------------------------
    # Go's parser keeps up to three tokens of lookahead in ``token``; these methods are
    # written out flat because they run once or more per item.
    def next(self) -> L.Item:
        n = self.peek_count
        if n > 0:
            n -= 1
            self.peek_count = n
            return self.token[n]
        idx = self.idx
        item = self.items[idx]
        if idx < self.last:
            self.idx = idx + 1
        self.token[0] = item
        return item

    def backup(self) -> None:
        self.peek_count += 1

    def backup2(self, t1: L.Item) -> None:
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2: L.Item, t1: L.Item) -> None:
        self.token[1] = t1
        self.token[2] = t2
        self.peek_count = 3

    def peek(self) -> L.Item:
        n = self.peek_count
        if n > 0:
            return self.token[n - 1]
        self.peek_count = 1
        idx = self.idx
        item = self.items[idx]
        if idx < self.last:
            self.idx = idx + 1
        self.token[0] = item
        return item

    def next_non_space(self) -> L.Item:
        token = self.token
        items = self.items
        while True:
            n = self.peek_count
            if n > 0:
                n -= 1
                self.peek_count = n
                item = token[n]
            else:
                idx = self.idx
                item = items[idx]
                if idx < self.last:
                    self.idx = idx + 1
                token[0] = item
            if item.typ != SPACE:
                return item

    def peek_non_space(self) -> L.Item:
        token = self.next_non_space()
        self.peek_count += 1
        return token

    # -- errors ------------------------------------------------------------------
    def errorf(self, msg: str) -> None:
        raise ParseError(msg, template=self.tree.parse_name, line=self.token[0].line)

    def expect(self, typ: int, context: str) -> L.Item:
        token = self.next_non_space()
        if token.typ != typ:
            self.unexpected(token, context)
        return token

    def expect_one_of(self, t1: int, t2: int, context: str) -> L.Item:
        token = self.next_non_space()
        if token.typ not in (t1, t2):
            self.unexpected(token, context)
        return token

    def unexpected(self, token: L.Item, context: str) -> None:
        if token.typ == ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != token.line:
                extra = f" in action started at {self.tree.parse_name}:{self.action_line}"
                if token.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf(f"{token}{extra}")
        self.errorf(f"unexpected {token} in {context}")

    # -- grammar -----------------------------------------------------------------
    def parse(self) -> None:
        t = self.tree
        t.root = ListNode(self.src, self.peek().pos)
        while self.peek().typ != EOF:
            if self.peek().typ == LEFT_DELIM:
                delim = self.next()
                if self.next_non_space().typ == DEFINE:
                    sub = Parser(Tree("definition", t.parse_name, t.text, self.src), self.items,
                                 self.has_function, self.tree_set)
                    sub.idx = self.idx
                    sub.token = list(self.token)
                    sub.parse_definition()
                    self.idx = sub.idx
                    self.peek_count = 0
                    continue
                self.backup2(delim)
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                self.errorf(f"unexpected {n}")
            t.root.nodes.append(n)

    def add(self) -> None:
        t = self.tree
        old = self.tree_set.get(t.name)
        if old is None or is_empty_tree(old.root):
            self.tree_set[t.name] = t
            return
        if not is_empty_tree(t.root):
            self.errorf(f"template: multiple definition of template {_quote(t.name)}")

    def parse_definition(self) -> None:
        context = "define clause"
        name = self.expect_one_of(STRING, RAW_STRING, context)
        try:
            self.tree.name = unquote(name.val)
        except LiteralError as exc:
            self.errorf(str(exc))
        self.expect(RIGHT_DELIM, context)
        root, end = self.item_list()
        self.tree.root = root
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add()

    def item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self.src, self.peek_non_space().pos)
        while self.peek_non_space().typ != EOF:
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                return lst, n
            lst.nodes.append(n)
        self.errorf("unexpected EOF")
        raise AssertionError

    def text_or_action(self) -> Node:
        token = self.next_non_space()
        if token.typ == TEXT:
            return TextNode(self.src, token.pos, token.val)
        if token.typ == LEFT_DELIM:
            self.action_line = token.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(token, "input")
        raise AssertionError

    def action(self) -> Node:
        token = self.next_non_space()
        typ = token.typ
        if typ == BLOCK:
            return self.block_control()
        if typ == BREAK:
            return self.break_control(token, "{{break}}", BreakNode)
        if typ == CONTINUE:
            return self.break_control(token, "{{continue}}", ContinueNode)
        if typ == ELSE:
            return self.else_control()
        if typ == END:
            return EndNode(self.src, self.expect(RIGHT_DELIM, "end").pos)
        if typ == IF:
            return self.control(IfNode, "if")
        if typ == RANGE:
            return self.control(RangeNode, "range")
        if typ == TEMPLATE:
            return self.template_control()
        if typ == WITH:
            return self.control(WithNode, "with")
        self.backup()
        token = self.peek()
        return ActionNode(self.src, token.pos, token.line, self.pipeline("command", RIGHT_DELIM))

    def break_control(self, tok: L.Item, word: str, cls: type) -> Node:
        token = self.next_non_space()
        if token.typ != RIGHT_DELIM:
            self.unexpected(token, word)
        if self.range_depth == 0:
            self.errorf(f"{word} outside {{{{range}}}}")
        return cls(self.src, tok.pos, tok.line)

    def pipeline(self, context: str, end: int) -> PipeNode:
        n = self.peek_count
        if n == 0 or (n == 1 and self.token[0] is self.items[self.idx - 1]):
            quick = self._quick_pipeline(self.idx - n, end, 0)
            if quick is not None:
                pipe, close = quick
                self.idx = close + 1  # the closing token is never the last item (EOF is)
                self.token[0] = self.items[close]
                self.peek_count = 0
                return pipe
        token = self.peek_non_space()
        pipe = PipeNode(self.src, token.pos, token.line)
        while True:  # the decls loop
            v = self.peek_non_space()
            if v.typ != VARIABLE:
                break
            self.next()
            after = self.peek()
            nxt = self.peek_non_space()
            if nxt.typ in (ASSIGN, DECLARE):
                pipe.is_assign = nxt.typ == ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(self.src, v.pos, v.val))
                self.vars.push(v.val, None)
            elif nxt.typ == CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(self.src, v.pos, v.val))
                self.vars.push(v.val, None)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (VARIABLE, RIGHT_DELIM, RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif after.typ == SPACE:
                self.backup3(v, after)
            else:
                self.backup2(v)
            break
        while True:
            token = self.next_non_space()
            if token.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if token.typ in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(token, context)

    def _quick_pipeline(self, i: int, end: int, depth: int) -> tuple[PipeNode, int] | None:
        """The pipeline starting at item ``i`` and the index of its closing ``end`` item, read
        straight off the item list; None for anything unusual, which the step-for-step parser
        then reads again (so errors and their lines stay Go's).

        The same nodes as the general path, for declarations of one variable, commands of
        plain operands, field chains and shallow parentheses: nearly every action in a chart.
        """
        items = self.items
        src = self.src
        it = items[i]
        while it.typ == SPACE:
            i += 1
            it = items[i]
        pipe = PipeNode(src, it.pos, it.line)
        declared = None
        if it.typ == VARIABLE:
            k = i + 1
            nxt = items[k]
            while nxt.typ == SPACE:
                k += 1
                nxt = items[k]
            if nxt.typ in (ASSIGN, DECLARE):
                pipe.is_assign = nxt.typ == ASSIGN
                declared = it.val
                pipe.decl.append(VariableNode(src, it.pos, declared))
                i = k + 1
            elif nxt.typ == CHAR:
                return None
        cmds = pipe.cmds
        while True:
            it = items[i]
            while it.typ == SPACE:
                i += 1
                it = items[i]
            if it.typ == end:
                if not cmds or any(isinstance(c.args[0], _CONSTANT_NODES) for c in cmds[1:]):
                    return None
                if declared is not None:
                    self.vars.push(declared, None)
                return pipe, i
            if it.typ not in _OPERAND_START:
                return None
            cmd = CommandNode(src, it.pos)
            args = cmd.args
            while True:
                it = items[i]
                while it.typ == SPACE:
                    i += 1
                    it = items[i]
                typ = it.typ
                node: Node | None
                if typ == FIELD:
                    node = FieldNode(src, it.pos, it.val)
                elif typ == IDENTIFIER:
                    if not self.has_function(it.val):
                        return None
                    node = IdentifierNode(src, it.pos, it.val)
                elif typ == VARIABLE:
                    if it.val != declared and it.val not in self.vars:
                        return None
                    node = VariableNode(src, it.pos, it.val)
                elif typ in (STRING, RAW_STRING):
                    try:
                        node = StringNode(src, it.pos, it.val, unquote(it.val))
                    except LiteralError:
                        return None
                elif typ == DOT:
                    node = DotNode(src, it.pos)
                elif typ in (NUMBER, CHAR_CONSTANT, COMPLEX):
                    node = NumberNode(src, it.pos, it.val)
                    try:
                        make_number(node, typ == COMPLEX)
                    except LiteralError:
                        return None
                elif typ == BOOL:
                    node = BoolNode(src, it.pos, it.val == "true")
                elif typ == NIL:
                    node = NilNode(src, it.pos)
                elif typ == LEFT_PAREN:
                    if depth >= _QUICK_DEPTH or self.stack_depth + depth >= MAX_STACK_DEPTH:
                        return None
                    inner = self._quick_pipeline(i + 1, RIGHT_PAREN, depth + 1)
                    if inner is None:
                        return None
                    node, i = inner
                else:
                    node = None
                if node is not None:
                    i += 1
                    if items[i].typ == FIELD:
                        node = self._quick_chain(node, i)
                        if node is None:
                            return None
                        while items[i].typ == FIELD:
                            i += 1
                    args.append(node)
                typ = items[i].typ
                if typ == SPACE:
                    i += 1
                    continue
                if typ == PIPE:
                    i += 1
                elif typ != RIGHT_DELIM and typ != RIGHT_PAREN:
                    return None
                break
            if not args:
                return None
            cmds.append(cmd)

    def _quick_chain(self, node: Node, i: int) -> Node | None:
        """``operand``'s field chain after ``node``, its fields starting at item ``i``."""
        items = self.items
        if isinstance(node, _CONSTANT_NODES):
            return None
        chain = ChainNode(self.src, items[i].pos, node)
        while items[i].typ == FIELD:
            chain.add(items[i].val)
            i += 1
        if isinstance(node, FieldNode):
            joined: Node = FieldNode(self.src, chain.pos, ".")
        elif isinstance(node, VariableNode):
            joined = VariableNode(self.src, chain.pos, "$")
        else:
            return chain
        joined.ident = node.ident + chain.field  # type: ignore[attr-defined]
        return joined

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def control(self, cls: type[BranchNode], context: str) -> BranchNode:
        # control -> item_list -> text_or_action -> action -> control: one nesting level.
        return descend(_LEVEL_FRAMES, self._control, cls, context)

    def _control(self, cls: type[BranchNode], context: str) -> BranchNode:
        mark = len(self.vars)
        try:
            pipe = self.pipeline(context, RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                if context == "if" and self.peek().typ == IF:
                    self.next()
                    else_list = ListNode(self.src, nxt.pos)
                    else_list.nodes.append(self.control(IfNode, "if"))
                elif context == "with" and self.peek().typ == WITH:
                    self.next()
                    else_list = ListNode(self.src, nxt.pos)
                    else_list.nodes.append(self.control(WithNode, "with"))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return cls(self.src, pipe.pos, pipe.line, pipe, lst, else_list)
        finally:
            self.vars.truncate(mark)

    def else_control(self) -> Node:
        peek = self.peek_non_space()
        if peek.typ in (IF, WITH):
            return ElseNode(self.src, peek.pos, peek.line)
        token = self.expect(RIGHT_DELIM, "else")
        return ElseNode(self.src, token.pos, token.line)

    def block_control(self) -> Node:
        return descend(_LEVEL_FRAMES, self._block_control)

    def _block_control(self) -> Node:
        context = "block clause"
        token = self.next_non_space()
        name = self.parse_template_name(token, context)
        pipe = self.pipeline(context, RIGHT_DELIM)
        sub = Parser(Tree(name, self.tree.parse_name, self.tree.text, self.src), self.items,
                     self.has_function, self.tree_set)
        sub.idx = self.idx
        sub.token = list(self.token)
        root, end = sub.item_list()
        sub.tree.root = root
        self.idx = sub.idx
        self.peek_count = 0
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        sub.add()
        return TemplateNode(self.src, token.pos, token.line, name, pipe)

    def template_control(self) -> Node:
        context = "template clause"
        token = self.next_non_space()
        name = self.parse_template_name(token, context)
        pipe = None
        if self.next_non_space().typ != RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, RIGHT_DELIM)
        return TemplateNode(self.src, token.pos, token.line, name, pipe)

    def parse_template_name(self, token: L.Item, context: str) -> str:
        if token.typ in (STRING, RAW_STRING):
            try:
                return unquote(token.val)
            except LiteralError as exc:
                self.errorf(str(exc))
        self.unexpected(token, context)
        raise AssertionError

    def command(self) -> CommandNode:
        cmd = CommandNode(self.src, self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            token = self.next()
            if token.typ == SPACE:
                continue
            if token.typ in (RIGHT_DELIM, RIGHT_PAREN):
                self.backup()
            elif token.typ == PIPE:
                pass
            else:
                self.unexpected(token, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == FIELD:
            chain = ChainNode(self.src, self.peek().pos, node)
            while self.peek().typ == FIELD:
                chain.add(self.next().val)
            if isinstance(node, (FieldNode, VariableNode)):
                # Go re-parses the chain's text; joining the identifier lists is the same.
                joined = FieldNode(self.src, chain.pos, ".") if isinstance(node, FieldNode) \
                    else VariableNode(self.src, chain.pos, "$")
                joined.ident = node.ident + chain.field
                node = joined
            elif isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf(f"unexpected . after term {_quote(str(node))}")
            else:
                node = chain
        return node

    def term(self) -> Node | None:
        token = self.next_non_space()
        typ = token.typ
        t = self.src
        if typ == IDENTIFIER:
            if not self.has_function(token.val):
                self.errorf(f"function {_quote(token.val)} not defined")
            return IdentifierNode(t, token.pos, token.val)
        if typ == DOT:
            return DotNode(t, token.pos)
        if typ == NIL:
            return NilNode(t, token.pos)
        if typ == VARIABLE:
            v = VariableNode(t, token.pos, token.val)
            if v.ident[0] not in self.vars:
                self.errorf(f"undefined variable {_quote(v.ident[0])}")
            return v
        if typ == FIELD:
            return FieldNode(t, token.pos, token.val)
        if typ == BOOL:
            return BoolNode(t, token.pos, token.val == "true")
        if typ in (CHAR_CONSTANT, COMPLEX, NUMBER):
            n = NumberNode(t, token.pos, token.val)
            try:
                make_number(n, typ == COMPLEX)
            except LiteralError as exc:
                self.errorf(str(exc))
            return n
        if typ == LEFT_PAREN:
            if self.stack_depth >= MAX_STACK_DEPTH:
                self.errorf("max expression depth exceeded")
            self.stack_depth += 1
            try:
                # term -> pipeline -> command -> operand -> term: one nesting level.
                return descend(_LEVEL_FRAMES, self.pipeline, "parenthesized pipeline", RIGHT_PAREN)
            finally:
                self.stack_depth -= 1
        if typ in (STRING, RAW_STRING):
            try:
                s = unquote(token.val)
            except LiteralError as exc:
                self.errorf(str(exc))
            return StringNode(t, token.pos, token.val, s)
        self.backup()
        return None


_QUICK_DEPTH = 16  # parentheses the quick path follows; deeper ones take the general path
_CONSTANT_NODES = (BoolNode, DotNode, NilNode, NumberNode, StringNode)

_OPERAND_START = frozenset({
    BOOL, CHAR_CONSTANT, COMPLEX, DOT, FIELD, IDENTIFIER, NUMBER, NIL,
    RAW_STRING, STRING, VARIABLE, LEFT_PAREN,
})


def _quote(s: str) -> str:
    from kts.gotemplate.strconv import quote

    return quote(s)


def parse(name: str, text: str, has_function: Callable[[str], bool]) -> dict[str, Tree]:
    """Parse ``text`` as template ``name``: every tree it defines, keyed by name (Go's treeSet)."""
    items = L.lex(text, break_ok=not has_function("break"), continue_ok=not has_function("continue"))
    tree_set: dict[str, Tree] = {}
    tree = Tree(name, name, text)
    p = Parser(tree, items, has_function, tree_set)
    p.parse()
    p.add()
    return tree_set
