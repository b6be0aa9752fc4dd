"""Template bytes Go reads its own way, compared with real Helm.

Invalid UTF-8 inside a double-quoted literal becomes U+FFFD (``strconv.Unquote`` decodes each bad
byte as ``utf8.RuneError``) while raw strings and template text keep the bytes; ``call`` names a
piped callee by ``reflect.Value.String`` (``<int Value>``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sprig.sprig_oracle import go_signals
from tests.support.harness import kts_render
from tests.support.oracle import HelmFailure, helm_render, write_chart

CASES: dict[str, bytes] = {
    "quoted": b'{{ "a\xffb" }}|{{ len "a\xffb" }}|{{ printf "%q" "a\xffb" }}',
    "quoted-truncated-rune": b'{{ "\xe2\x82" }}|{{ len "\xe2\x82" }}|{{ printf "%x" "\xe2\x82" }}',
    "quoted-with-escape": b'{{ "\xff\\n\\xff" | len }}|{{ printf "%q" "\xff\\t\\xfe" }}',
    "quoted-equals-rune-error": b'{{ eq "\xff" "\xef\xbf\xbd" }}|{{ eq `\xff` "\xef\xbf\xbd" }}',
    "raw": b"{{ `a\xffb` }}|{{ len `a\xffb` }}|{{ printf \"%q\" `\xfe` }}",
    "text": b'a\xffb{{ "x" }}\xc3',
    "char": b"{{ '\xff' }}|{{ '\\xff' }}",
    "printf-format": b'{{ printf "\xff%s\xfe" "x" | len }}',
    "define-name": b'{{ define "n\xff" }}body{{ end }}{{ template "n\xef\xbf\xbd" }}',
    "sprig-arg": b'{{ "a\xffb" | upper }}|{{ "\xff" | b64enc }}|{{ trunc 2 "\xff\xfe" | len }}',
    "call-int": b"{{ 1 | call }}",
    "call-float": b"{{ 1.5 | call }}",
    "call-value": b"{{ .Values.a | call }}",
    "call-null": b"{{ .Values.n | call }}",
    "call-map": b"{{ .Values | call }}",
    "call-list": b"{{ list 1 | call }}",
    "call-dict": b"{{ dict | call }}",
    "call-string": b'{{ "x" | call }}',
    "call-arg": b"{{ call 1 }}",
    "call-bool": b"{{ true | call }}",
    "action-invalid-byte": b"{{ \xff }}",
    "action-truncated-rune": b"{{ \xc3 }}",
    "field-invalid-byte": b"{{ .a\xfe }}",
}


def _render(root: Path, data: bytes) -> tuple[str, str]:
    chart = write_chart(root / "mychart", {"t.yaml": ""}, values="a: 1\nn: null\n")
    (chart / "templates" / "t.yaml").write_bytes(data)
    with go_signals():
        want = helm_render(chart)
    got = kts_render(chart)
    w = want["mychart/templates/t.yaml"] if isinstance(want, dict) else want.message
    g = got["mychart/templates/t.yaml"] if isinstance(got, dict) else str(got)
    assert isinstance(want, HelmFailure) == (not isinstance(got, dict)), (w, g)
    return w, g


@pytest.mark.parametrize("name", sorted(CASES))
def test_bytes_as_helm_reads_them(tmp_path: Path, name: str) -> None:
    want, got = _render(tmp_path, CASES[name])
    assert got == want
