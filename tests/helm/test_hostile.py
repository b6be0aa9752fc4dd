"""Hostile charts end with a clear RenderError, inside a memory cap, without hanging.

Each chart renders in a child process whose address space is capped (``RLIMIT_AS``): a
renderer that built the huge value first would die of MemoryError there instead of
reporting the limit. The timeout only guards against hangs; it is not a timing test.
"""

from __future__ import annotations

import gzip
import io
import resource
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.support.oracle import write_chart

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1536 << 20
HANG_GUARD = 60

CHILD = """
import sys
import kts
try:
    kts.render_chart(sys.argv[1])
except kts.RenderError as exc:
    print("RenderError:", exc)
else:
    print("rendered")
"""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _render_capped(chart: Path) -> str:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(chart)], capture_output=True, text=True,
                          timeout=HANG_GUARD, preexec_fn=_cap_memory, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stdout, proc.stdout + proc.stderr
    return " ".join(proc.stdout.split())


TEMPLATES = {
    "until": ("{{ range until 100000000 }}x{{ end }}", "RenderLimits.max_list"),
    "untilStep": ("{{ untilStep 0 100000000 1 | len }}", "RenderLimits.max_list"),
    "seq": ("{{ seq 100000000 | len }}", "RenderLimits.max_list"),
    "range-int": ("{{ range 100000000 }}{{ end }}", "RenderLimits.max_iterations"),
    "indent": ('{{ indent 1000000000 "x" }}', "RenderLimits.max_string"),
    "nindent": ('{{ nindent 100 (repeat 1000000 "a\\n") | len }}', "RenderLimits.max_string"),
    "repeat": ('{{ repeat 1000000000 "x" }}', "RenderLimits.max_string"),
    "printf-width": ('{{ range until 1000 }}{{ printf "%1000000d" 1 }}{{ end }}', "RenderLimits.max_output"),
    "printf-operands": ('{{ $s := repeat 10000000 "x" }}{{ printf "%s%s%s%s%s%s%s%s%s%s" '
                        '$s $s $s $s $s $s $s $s $s $s | len }}', "RenderLimits.max_string"),
    "doubling": ('{{ $x := "xxxxxxxxxx" }}{{ range until 40 }}{{ $x = print $x $x }}{{ end }}',
                 "RenderLimits.max_string"),
    "replace-empty": ('{{ $s := repeat 100000 "x" }}{{ replace "" $s $s | len }}', "RenderLimits.max_string"),
    "regex-replace": ('{{ $s := repeat 100000 "x" }}{{ regexReplaceAll "" $s $s | len }}',
                      "RenderLimits.max_string"),
    "join": ('{{ join (repeat 1000000 "x") (until 1000) | len }}', "RenderLimits.max_string"),
    "randAlpha": ("{{ randAlpha 1000000000 | len }}", "RenderLimits.max_string"),
    "shared-list-toJson": ('{{ $a := list "xxxxxxxxxx" }}{{ range until 40 }}{{ $a = list $a $a }}{{ end }}'
                           "{{ toJson $a }}", "RenderLimits.max_string"),
    "shared-list-deepCopy": ('{{ $a := list "x" }}{{ range until 40 }}{{ $a = list $a $a }}{{ end }}'
                             "{{ $b := deepCopy $a }}", "RenderLimits.max_string"),
    "concat-doubling": ("{{ $l := list 1 }}{{ range until 64 }}{{ $l = concat $l $l }}{{ end }}",
                        "RenderLimits.max_list"),
    "append-big-strings": ('{{ $l := list }}{{ range until 100000 }}{{ $l = append $l (repeat 100000 "x") }}'
                           "{{ end }}", "RenderLimits.max_allocation"),
    "text-flood": ("{{ range until 1000000 }}" + "x" * 100 + "{{ end }}", "RenderLimits.max_output"),
    "include-recursion": ('{{ define "r" }}{{ repeat 1000000 "x" }}{{ include "r" . }}{{ end }}'
                          '{{ include "r" . }}', "RenderLimits.max_output"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", TEMPLATES)
def test_hostile_template(tmp_path: Path, case: str) -> None:
    text, limit = TEMPLATES[case]
    chart = write_chart(tmp_path / "mychart", {"t.yaml": text})
    out = _render_capped(chart)
    assert out.startswith("RenderError: "), out
    assert "mychart/templates/t.yaml:1" in out and limit in out, out


@pytest.mark.slow
def test_tarball_bomb(tmp_path: Path) -> None:
    """A few hundred KB that inflate to a gigabyte, plus a nested archive of the same."""
    def bomb(path: Path, top: str, extra: list[tuple[str, bytes]]) -> Path:
        with gzip.open(path, "wb", compresslevel=9) as gz, tarfile.open(fileobj=gz, mode="w|") as tar:
            chart_yaml = f"apiVersion: v2\nname: {top}\nversion: 0.1.0\n".encode()
            for name, data in [(f"{top}/Chart.yaml", chart_yaml), *extra]:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            zeros = bytes(1 << 20)
            for i in range(1024):
                info = tarfile.TarInfo(f"{top}/f{i}")
                info.size = len(zeros)
                tar.addfile(info, io.BytesIO(zeros))
        return path

    inner = bomb(tmp_path / "sub.tgz", "sub", [])
    outer = bomb(tmp_path / "top.tgz", "top", [("top/charts/sub.tgz", inner.read_bytes())])
    assert outer.stat().st_size < 4 << 20
    out = _render_capped(outer)
    assert out == "RenderError: decompressed chart is larger than the maximum size 104857600", out
