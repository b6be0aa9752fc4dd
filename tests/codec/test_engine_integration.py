"""The codec functions inside real renders: kts.helm.render_chart vs Helm, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kts.helm.api import render_chart
from tests.support.oracle import helm_render

VALUES_YAML = """\
port: 8080
big: 1000000
ratio: 0.5
flags: {on: yes, off: no, y: n}
octal: 0755
when: 2024-01-02
base60: 1:30
text: |
  line one
   indented
  trailing{spaces}
empty: ""
list: [a, 'b', "c", 1e3, ~]
nested:
  z10: 1
  z9: 2
  _u: 3
  A: 4
anchors:
  base: &base {x: 1, y: 2}
  child:
    <<: *base
    y: 3
""".replace("{spaces}", "   ")

TEMPLATE = """\
yaml: |
{{ toYaml .Values | indent 2 }}
pretty: |
{{ toYamlPretty .Values | indent 2 }}
json: {{ toJson .Values }}
pjson: {{ toPrettyJson .Values.nested | nindent 2 }}
raw: {{ toRawJson (dict "h" "<a&b>") }}
toml: |
{{ toToml .Values.nested | indent 2 }}
roundtrip: {{ .Values | toYaml | fromYaml | toJson }}
fy: {{ fromYaml "a: [1, on]\\nb: 0x10" }}
fyerr: {{ fromYaml "a: b: c" }}
fya: {{ fromYamlArray "- 1\\n- two" }}
fj: {{ fromJson "{\\"k\\": [1, 2.5, null]}" }}
fjnull: {{ fromJson "null" }}|{{ fromJson "null" | toJson }}
fja: {{ fromJsonArray "[1, \\"x\\"]" }}
ft: {{ fromToml "a = 1\\n[b]\\nc = \\"d\\"" }}
mfj: {{ mustFromJson "[true]" }}
ftt: {{ fromToml (printf "t = %s\\nd = %s\\nl = %s\\no = %s" "1979-05-27T07:32:00Z" "1979-05-27"
  "07:32:00.5" "1979-05-27T00:32:00.999999999-07:00") }}
sj: {{ toJson (list 1 "a" nil) }}
"""


def test_codec_functions_render_like_helm(chart_factory: Callable[..., Path]) -> None:
    chart = chart_factory({"t.yaml": TEMPLATE}, values=VALUES_YAML)
    expected = helm_render(chart)
    assert isinstance(expected, dict), expected
    got = render_chart(chart)
    assert got["mychart/templates/t.yaml"] == expected["mychart/templates/t.yaml"]
