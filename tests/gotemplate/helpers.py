"""Shared values and a one-call differential check for the engine tests."""

from __future__ import annotations

from typing import Any

from tests.support.harness import assert_same

VALUES = """\
str: hello
int: 3
big: 1000000
bigger: 12345678
float: 2.5
neg: -7
zero: 0
boolt: true
boolf: false
nul: null
emptys: ""
list: [1, "two", 3.5, true, null]
strs: [b, a, c]
emptylist: []
map: {b: 2, a: 1, c: {x: y}}
emptymap: {}
nested: {a: {b: {c: deep}}}
items:
  - {name: one, port: 80}
  - {name: two, port: 443}
exp: 1e3
octal: 0755
hexv: 0x1F
quoted: "it's \\"q\\""
uni: héllo wörld
"""


def check(chart_factory: Any, template: str, values: str = VALUES, *, message: bool = True,
          extra: dict[str, str] | None = None, overrides: dict[str, Any] | None = None) -> None:
    """Render ``template`` (plus ``extra`` files under templates/) with Helm and kts; compare."""
    templates = {"t.yaml": template, **(extra or {})}
    chart = chart_factory(templates, values=values)
    assert_same(chart, overrides, message=message)
