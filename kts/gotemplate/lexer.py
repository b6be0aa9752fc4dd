"""The template lexer: Go's ``text/template/parse`` scanner, item for item.

Positions are character offsets into the template text; error messages convert them to
Go's byte columns when needed. The lexer runs eagerly to the first error or EOF, which
yields the same item stream Go's parser pulls lazily.
"""

from __future__ import annotations

import re
import unicodedata

from kts.gotemplate.strconv import quote

# Item types. The order matters: everything after KEYWORD prints as <word>.
ERROR = 0
BOOL = 1
CHAR = 2
CHAR_CONSTANT = 3
COMMENT = 4
COMPLEX = 5
ASSIGN = 6
DECLARE = 7
EOF = 8
FIELD = 9
IDENTIFIER = 10
LEFT_DELIM = 11
LEFT_PAREN = 12
NUMBER = 13
PIPE = 14
RAW_STRING = 15
RIGHT_DELIM = 16
RIGHT_PAREN = 17
SPACE = 18
STRING = 19
TEXT = 20
VARIABLE = 21
KEYWORD = 22
BLOCK = 23
BREAK = 24
CONTINUE = 25
DOT = 26
DEFINE = 27
ELSE = 28
END = 29
IF = 30
NIL = 31
RANGE = 32
TEMPLATE = 33
WITH = 34

KEYWORDS = {
    ".": DOT, "block": BLOCK, "break": BREAK, "continue": CONTINUE, "define": DEFINE,
    "else": ELSE, "end": END, "if": IF, "range": RANGE, "nil": NIL, "template": TEMPLATE,
    "with": WITH,
}

LEFT = "{{"
RIGHT = "}}"
SPACE_CHARS = " \t\r\n"


class Item:
    """One lexed token: type, start offset, text and 1-based line."""

    __slots__ = ("line", "pos", "typ", "val")

    def __init__(self, typ: int, pos: int, val: str, line: int) -> None:
        self.typ = typ
        self.pos = pos
        self.val = val
        self.line = line

    def __str__(self) -> str:
        if self.typ == EOF:
            return "EOF"
        if self.typ == ERROR:
            return self.val
        if self.typ > KEYWORD:
            return f"<{self.val}>"
        if len(self.val.encode("utf-8", "surrogateescape")) > 10:
            return quote(self.val[:10]) + "..."
        return quote(self.val)

    def __repr__(self) -> str:
        return f"Item({self.typ}, {self.pos}, {self.val!r}, {self.line})"


def is_space(c: str) -> bool:
    return c in SPACE_CHARS and c != ""


def is_alnum(c: str) -> bool:
    """Go's ``_ || unicode.IsLetter || unicode.IsDigit`` for one character."""
    if c == "":
        return False
    if c.isascii():
        return c.isalnum() or c == "_"
    cat = unicodedata.category(c)
    return cat[0] == "L" or cat == "Nd"


def _go_u(c: str) -> str:
    """``%#U`` of a rune: ``U+0041 'A'``; an invalid UTF-8 byte is Go's RuneError, U+FFFD."""
    if "\udc80" <= c <= "\udcff":  # kept as a surrogate escape (see Source)
        c = "\ufffd"
    r = ord(c)
    text = f"U+{r:04X}"
    if c.isprintable():
        text += f" '{c}'"
    return text


class Lexer:
    """Scans a template into a list of items (the last one is EOF or ERROR)."""

    def __init__(self, text: str, *, break_ok: bool = True, continue_ok: bool = True) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.paren_depth = 0
        self.items: list[Item] = []
        self.break_ok = break_ok
        self.continue_ok = continue_ok
        self._lpos = 0
        self._lline = 1
        self._words = _WORD_TYPES
        if not (break_ok and continue_ok):
            self._words = dict(_WORD_TYPES)
            if not break_ok:
                self._words["break"] = IDENTIFIER
            if not continue_ok:
                self._words["continue"] = IDENTIFIER

    # -- helpers ---------------------------------------------------------------
    def line_at(self, pos: int) -> int:
        if pos < self._lpos:
            return self.input.count("\n", 0, pos) + 1
        self._lline += self.input.count("\n", self._lpos, pos)
        self._lpos = pos
        return self._lline

    def emit(self, typ: int) -> None:
        self.items.append(Item(typ, self.start, self.input[self.start:self.pos], self.line_at(self.start)))
        self.start = self.pos

    def error(self, msg: str) -> None:
        self.items.append(Item(ERROR, self.start, msg, self.line_at(self.start)))

    def next(self) -> str:
        if self.pos >= len(self.input):
            return ""
        c = self.input[self.pos]
        self.pos += 1
        return c

    def backup(self) -> None:
        self.pos -= 1

    def peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def accept(self, valid: str) -> bool:
        c = self.peek()
        if c and c in valid:
            self.pos += 1
            return True
        return False

    def accept_run(self, valid: str) -> None:
        while self.accept(valid):
            pass

    def at_right_delim(self) -> tuple[bool, bool]:
        s = self.input
        p = self.pos
        if p + 1 < len(s) and is_space(s[p]) and s[p + 1] == "-" and s.startswith(RIGHT, p + 2):
            return True, True
        if s.startswith(RIGHT, p):
            return True, False
        return False, False

    def at_terminator(self) -> bool:
        c = self.peek()
        if c == "" or is_space(c) or c in ".,|:)(":
            return True
        return self.input.startswith(RIGHT, self.pos)

    # -- states ----------------------------------------------------------------
    def run(self) -> list[Item]:
        state = self.lex_text
        while state is not None:
            state = state()
        return self.items

    def _text_slow(self):
        s = self.input
        x = s.find(LEFT, self.pos)
        if x >= 0:
            self.pos = x
            trim = 0
            after = x + len(LEFT)
            if after + 1 < len(s) and s[after] == "-" and is_space(s[after + 1]):
                seg = s[self.start:self.pos]
                trim = len(seg) - len(seg.rstrip(SPACE_CHARS))
            self.pos -= trim
            if self.pos > self.start:
                self.emit(TEXT)
            self.pos += trim
            self.start = self.pos
            return self.lex_left_delim
        self.pos = len(s)
        if self.pos > self.start:
            self.emit(TEXT)
        self.emit(EOF)
        return None

    def lex_left_delim(self):
        s = self.input
        self.pos += len(LEFT)
        trim = self.pos + 1 < len(s) and s[self.pos] == "-" and is_space(s[self.pos + 1])
        after = 2 if trim else 0
        if s.startswith("/*", self.pos + after):
            self.pos += after
            self.start = self.pos
            return self.lex_comment
        self.emit(LEFT_DELIM)
        self.pos += after
        self.start = self.pos
        self.paren_depth = 0
        return self.lex_inside_action

    def lex_comment(self):
        s = self.input
        self.pos += 2
        i = s.find("*/", self.pos)
        if i < 0:
            self.error("unclosed comment")
            return None
        self.pos = i + 2
        delim, trim = self.at_right_delim()
        if not delim:
            self.error("comment ends before closing delimiter")
            return None
        if trim:
            self.pos += 2
        self.pos += len(RIGHT)
        if trim:
            rest = s[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(SPACE_CHARS))
        self.start = self.pos
        return self.lex_text

    def lex_right_delim(self):
        s = self.input
        trim = self.pos + 1 < len(s) and is_space(s[self.pos]) and s[self.pos + 1] == "-"
        if trim:
            self.pos += 2
            self.start = self.pos
        self.pos += len(RIGHT)
        self.emit(RIGHT_DELIM)
        if trim:
            rest = s[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(SPACE_CHARS))
            self.start = self.pos
        return self.lex_text

    def lex_inside_action(self):
        return self._scan(True)

    def lex_text(self):
        return self._scan(False)

    def _scan(self, in_action: bool):
        """Scan text and actions in one loop; anything unusual goes to the one-token states.

        Text up to the next left delimiter is cut with ``find``; inside actions one regular
        expression recognises spaces, delimiters, punctuation, ASCII words followed by a
        terminator and escape-free strings. The items are exactly those the per-token states
        below give; comments, other numbers, errors and the end of input are left to those states.
        """
        s = self.input
        append = self.items.append
        pos = self.pos
        depth = self.paren_depth
        lline = self.line_at(pos)  # from here on, ``lline`` is the line of ``lpos``
        lpos = pos
        match = _ACTION_TOKEN.match
        words = self._words
        while True:
            if not in_action:
                x = s.find(LEFT, pos)
                inner = x + 2
                mark = s[inner + 1:inner + 2]
                trim = s.startswith("-", inner) and mark != "" and mark in SPACE_CHARS
                if trim:
                    inner += 2
                if x < 0 or s.startswith("/*", inner):
                    self.pos = self.start = pos
                    state = self._text_slow
                    break
                tend = x
                if trim:
                    tend = pos + len(s[pos:x].rstrip(SPACE_CHARS))
                if tend > pos:
                    lline += s.count("\n", lpos, pos)
                    lpos = pos
                    append(Item(TEXT, pos, s[pos:tend], lline))
                lline += s.count("\n", lpos, x)
                lpos = x
                append(Item(LEFT_DELIM, x, LEFT, lline))
                if trim:
                    lline += s.count("\n", x, inner)
                    lpos = inner
                pos = inner
                depth = 0
                in_action = True
            m = match(s, pos)
            if m is None:
                self.pos = self.start = pos
                state = self._inside_slow
                break
            g = m.lastindex
            end = m.end()
            val = None
            if g == _G_SPACE:
                if s.startswith("-}}", end):
                    end -= 1  # the last space belongs to the trim marker
                append(Item(SPACE, pos, s[pos:end], lline))
                newlines = s.count("\n", pos, end)
                if newlines:  # spaces are the only tokens here that span lines
                    lline += newlines
                    lpos = end
                pos = end
                continue
            elif g == _G_WORD:
                val = s[pos:end]
                typ = words.get(val, IDENTIFIER)
            elif g == _G_FIELD:
                typ = FIELD if end > pos + 1 else DOT
            elif g == _G_LPAREN:
                typ = LEFT_PAREN
                depth += 1
            elif g == _G_RPAREN:
                if depth == 0:
                    self.pos = self.start = pos
                    state = self._inside_slow
                    break
                typ = RIGHT_PAREN
                depth -= 1
            elif g == _G_RIGHT:
                if depth:
                    self.pos = self.start = pos
                    state = self._inside_slow
                    break
                typ = RIGHT_DELIM
                in_action = False
            else:
                assert g is not None
                typ = _GROUP_TYPES[g]
            append(Item(typ, pos, s[pos:end] if val is None else val, lline))
            pos = end
        self.paren_depth = depth
        self._lpos = lpos
        self._lline = lline
        return state

    def _inside_slow(self):
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self.lex_right_delim
            self.error("unclosed left paren")
            return None
        c = self.next()
        if c == "":
            self.error("unclosed action")
            return None
        if is_space(c):
            self.backup()
            return self.lex_space
        if c == "=":
            self.emit(ASSIGN)
        elif c == ":":
            if self.next() != "=":
                self.error("expected :=")
                return None
            self.emit(DECLARE)
        elif c == "|":
            self.emit(PIPE)
        elif c == '"':
            return self.lex_quote
        elif c == "`":
            return self.lex_raw_quote
        elif c == "$":
            return self.lex_variable
        elif c == "'":
            return self.lex_char
        elif c == "." and self.pos < len(self.input) and not ("0" <= self.input[self.pos] <= "9"):
            return self.lex_field
        elif c in "+-." or "0" <= c <= "9":
            self.backup()
            return self.lex_number
        elif is_alnum(c):
            self.backup()
            return self.lex_identifier
        elif c == "(":
            self.emit(LEFT_PAREN)
            self.paren_depth += 1
        elif c == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                self.error("unexpected right paren")
                return None
            self.emit(RIGHT_PAREN)
        elif c.isascii() and c.isprintable():
            self.emit(CHAR)
        else:
            self.error(f"unrecognized character in action: {_go_u(c)}")
            return None
        return self.lex_inside_action

    def lex_space(self):
        s = self.input
        n = 0
        while is_space(self.peek()):
            self.pos += 1
            n += 1
        p = self.pos - 1
        if p + 1 < len(s) and is_space(s[p]) and s[p + 1] == "-" and s.startswith(RIGHT, p + 2):
            self.backup()
            if n == 1:
                return self.lex_right_delim
        self.emit(SPACE)
        return self.lex_inside_action

    def lex_identifier(self):
        while is_alnum(self.peek()):
            self.pos += 1
        word = self.input[self.start:self.pos]
        if not self.at_terminator():
            self.error(f"bad character {_go_u(self.peek())}")
            return None
        kw = KEYWORDS.get(word)
        if kw is not None and kw != DOT:
            if (kw == BREAK and not self.break_ok) or (kw == CONTINUE and not self.continue_ok):
                self.emit(IDENTIFIER)
            else:
                self.emit(kw)
        elif word in ("true", "false"):
            self.emit(BOOL)
        else:
            self.emit(IDENTIFIER)
        return self.lex_inside_action

    def lex_field(self):
        return self._field_or_variable(FIELD)

    def lex_variable(self):
        if self.at_terminator():
            self.emit(VARIABLE)
            return self.lex_inside_action
        return self._field_or_variable(VARIABLE)

    def _field_or_variable(self, typ: int):
        if self.at_terminator():
            self.emit(VARIABLE if typ == VARIABLE else DOT)
            return self.lex_inside_action
        while is_alnum(self.peek()):
            self.pos += 1
        if not self.at_terminator():
            self.error(f"bad character {_go_u(self.peek())}")
            return None
        self.emit(typ)
        return self.lex_inside_action

    def lex_char(self):
        return self._lex_escaped("'", CHAR_CONSTANT, "unterminated character constant")

    def lex_number(self):
        if not self._scan_number():
            self.error(f"bad number syntax: {quote(self.input[self.start:self.pos])}")
            return None
        if self.peek() in ("+", "-") and self.peek() != "":
            if not self._scan_number() or self.input[self.pos - 1] != "i":
                self.error(f"bad number syntax: {quote(self.input[self.start:self.pos])}")
                return None
            self.emit(COMPLEX)
        else:
            self.emit(NUMBER)
        return self.lex_inside_action

    def _scan_number(self) -> bool:
        self.accept("+-")
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        if self.accept("."):
            self.accept_run(digits)
        if len(digits) == 11 and self.accept("eE"):
            self.accept("+-")
            self.accept_run("0123456789_")
        if len(digits) == 23 and self.accept("pP"):
            self.accept("+-")
            self.accept_run("0123456789_")
        self.accept("i")
        if is_alnum(self.peek()):
            self.pos += 1
            return False
        return True

    def lex_quote(self):
        return self._lex_escaped('"', STRING, "unterminated quoted string")

    def _lex_escaped(self, close: str, typ: int, unterminated: str):
        """A one-line literal with backslash escapes, up to its closing quote."""
        while True:
            c = self.next()
            if c == "\\":
                c2 = self.next()
                if c2 not in ("", "\n"):
                    continue
                self.error(unterminated)
                return None
            if c in ("", "\n"):
                self.error(unterminated)
                return None
            if c == close:
                break
        self.emit(typ)
        return self.lex_inside_action

    def lex_raw_quote(self):
        end = self.input.find("`", self.pos)
        if end < 0:
            self.pos = len(self.input)
            self.error("unterminated raw quoted string")
            return None
        self.pos = end + 1
        self.emit(RAW_STRING)
        return self.lex_inside_action


# Tokens inside an action that the one-loop scanner handles; each alternative is one group.
# Words must be followed by a terminator (Go's atTerminator) to be taken here.
_END_WORD = r"(?=[ \t\r\n.,|:)(]|}}|\Z)"
_ACTION_TOKEN = re.compile(
    r"((?![ \t\r\n]-}})[ \t\r\n]+)"            # 1 space, not a trim-marked right delimiter
    r"|(\.(?![0-9]|\Z)[A-Za-z0-9_]*" + _END_WORD + ")"  # 2 field, or dot alone
    + r"|(\$[A-Za-z0-9_]*" + _END_WORD + ")"       # 3 variable
    + r"|([A-Za-z_][A-Za-z0-9_]*" + _END_WORD + ")"  # 4 identifier, keyword, bool
    + r'|("(?:[^"\\\n]|\\[^\n])*")'            # 5 string without a line break
    r"|(\|)|(\()|(\))|(:=)|(=)|(}})"            # 6..11
    r"|([0-9]+(?=[ \t\r\n,|:)(]|}}|\Z))"          # 12 decimal integer (Go's lexNumber would end it there)
)
_G_SPACE, _G_FIELD, _G_WORD, _G_LPAREN, _G_RPAREN, _G_RIGHT = 1, 2, 4, 7, 8, 11
_GROUP_TYPES = (0, SPACE, FIELD, VARIABLE, IDENTIFIER, STRING, PIPE, LEFT_PAREN, RIGHT_PAREN,
                DECLARE, ASSIGN, RIGHT_DELIM, NUMBER)
_WORD_TYPES = {**{w: t for w, t in KEYWORDS.items() if t != DOT}, "true": BOOL, "false": BOOL}


def lex(text: str, *, break_ok: bool = True, continue_ok: bool = True) -> list[Item]:
    """All items of ``text`` up to and including EOF or the first ERROR."""
    return Lexer(text, break_ok=break_ok, continue_ok=continue_ok).run()
