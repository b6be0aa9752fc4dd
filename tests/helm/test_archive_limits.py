"""Chart archive size limits and hostile members, against real Helm's loader."""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from kts import RenderError, RenderLimits
from kts.helm.api import load_chart
from tests.support.oracle import HelmFailure, helm_render

CHART = b"apiVersion: v2\nname: bomb\nversion: 0.1.0\n"
TEMPLATE = b'size: {{ .Files.Get "big" | len }}\n'
MiB = 1 << 20


class _Zeros(io.RawIOBase):
    """``n`` zero bytes, streamed: the test never holds a bomb's contents either."""

    def __init__(self, n: int) -> None:
        self.n = n

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray) -> int:  # type: ignore[override]
        k = min(len(b), self.n)
        b[:k] = bytes(k)
        self.n -= k
        return k


Member = tuple[str, str, bytes | int | str]  # kind, name, data / zero count / link target


def _base(top: str = "bomb") -> list[Member]:
    return [("file", f"{top}/Chart.yaml", CHART.replace(b"bomb", top.encode())),
            ("file", f"{top}/templates/t.yaml", TEMPLATE)]


def _tgz(path: Path, members: Iterable[Member]) -> Path:
    with gzip.open(path, "wb", compresslevel=1) as gz, tarfile.open(fileobj=gz, mode="w|") as tar:
        for kind, name, data in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                if isinstance(data, int):
                    info.size = data
                    tar.addfile(info, _Zeros(data))
                else:
                    assert isinstance(data, bytes)
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
                continue
            info.type = {"sym": tarfile.SYMTYPE, "link": tarfile.LNKTYPE, "fifo": tarfile.FIFOTYPE,
                         "chr": tarfile.CHRTYPE}[kind]
            if isinstance(data, str):
                info.linkname = data
            tar.addfile(info)
    return path


def _pax_bomb(path: Path) -> Path:
    """A PAX record far beyond Go's 1 MiB limit for such records."""
    size = 50 * MiB
    with gzip.open(path, "wb", compresslevel=1) as gz:
        info = tarfile.TarInfo("bomb/PaxHeaders/x")
        info.type, info.size = tarfile.XHDTYPE, size
        gz.write(info.tobuf(format=tarfile.USTAR_FORMAT))
        head = f"{size} comment=".encode()
        gz.write(head)
        left = size - len(head) - 1
        chunk = bytes(MiB)
        while left > 0:
            gz.write(chunk[:min(left, MiB)])
            left -= MiB
        gz.write(b"\n" + bytes(-size % 512))
        gz.write(bytes(1024))
    return path


def _kts(path: Path, limits: RenderLimits | None = None) -> dict[str, str] | str:
    try:
        return load_chart(path, limits=limits).render()
    except RenderError as exc:
        return str(exc)


def _helm(path: Path) -> dict[str, str] | str:
    out = helm_render(path)
    return out.message if isinstance(out, HelmFailure) else out


CASES: dict[str, list[Member]] = {
    "file-over-5MiB": [*_base(), ("file", "bomb/big", 6 * MiB)],
    "file-of-5MiB": [*_base(), ("file", "bomb/big", 5 * MiB)],
    "inflates-to-200MiB": [*_base(), ("file", "bomb/big", 200 * MiB)],
    "many-files-over-100MiB": [*_base(), *(("file", f"bomb/f{i}", 4 * MiB) for i in range(30))],
    "exactly-100MiB": [*_base()[:1], *(("file", f"bomb/f{i}", 5 * MiB) for i in range(19)),
                       ("file", "bomb/last", 5 * MiB - len(CHART))],
    "symlink": [*_base(), ("sym", "bomb/big", "/etc/passwd")],
    "hard-link": [*_base(), ("link", "bomb/big", "bomb/Chart.yaml")],
    "fifo": [*_base(), ("fifo", "bomb/big", b"")],
    "device": [*_base(), ("chr", "bomb/big", b"")],
    "parent-path": [*_base(), ("file", "bomb/../evil", b"x")],
    "absolute-path": [*_base(), ("file", "bomb//etc/evil", b"x")],
}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_archive_like_helm(tmp_path: Path, case: str) -> None:
    path = _tgz(tmp_path / "bomb-0.1.0.tgz", CASES[case])
    assert _kts(path) == _helm(path)


@pytest.mark.slow
def test_nested_archive_bomb_like_helm(tmp_path: Path) -> None:
    inner = _tgz(tmp_path / "sub.tgz", [*_base("sub"), *(("file", f"sub/f{i}", 4 * MiB) for i in range(30))])
    path = _tgz(tmp_path / "bomb-0.1.0.tgz", [*_base(), ("file", "bomb/charts/sub.tgz", inner.read_bytes())])
    got = _kts(path)
    assert got == _helm(path)
    assert isinstance(got, str) and "decompressed chart is larger than the maximum size" in got


def test_oversized_pax_record_like_helm(tmp_path: Path) -> None:
    path = _pax_bomb(tmp_path / "bomb-0.1.0.tgz")
    assert _kts(path) == _helm(path) == "archive/tar: header field too long"


def test_directory_file_over_5MiB_like_helm(tmp_path: Path) -> None:
    top = tmp_path / "bomb"
    (top / "templates").mkdir(parents=True)
    (top / "Chart.yaml").write_bytes(CHART)
    (top / "templates" / "t.yaml").write_bytes(TEMPLATE)
    (top / "big").write_bytes(bytes(5 * MiB + 1))
    got = _kts(top)
    assert isinstance(got, str) and got == _helm(top)


def test_nested_archives_share_one_budget(tmp_path: Path) -> None:
    """Each archive alone fits the limit; together they do not (Helm would count each apart)."""
    inner = _tgz(tmp_path / "sub.tgz", [*_base("sub"), ("file", "sub/data", 600)])
    path = _tgz(tmp_path / "bomb-0.1.0.tgz",
                [*_base(), ("file", "bomb/pad", 400), ("file", "bomb/charts/sub.tgz", inner.read_bytes())])
    assert isinstance(_kts(path, RenderLimits(max_archive=10_000)), dict)
    got = _kts(path, RenderLimits(max_archive=1_000))
    assert got == ("error unpacking subchart sub.tgz in bomb: "
                   "decompressed chart is larger than the maximum size 1000")


def test_archive_limits_are_configurable(tmp_path: Path) -> None:
    path = _tgz(tmp_path / "bomb-0.1.0.tgz", [*_base(), ("file", "bomb/big", 2_000)])
    assert _kts(path) == {"bomb/templates/t.yaml": "size: 2000\n"}
    assert _kts(path, RenderLimits(max_archive_file=1_999)) == (
        'decompressed chart file "bomb/big" is larger than the maximum file size 1999')
    assert _kts(path, RenderLimits(max_archive=1_500)) == (
        "decompressed chart is larger than the maximum size 1500")


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_output"):
        RenderLimits(max_output=0)
