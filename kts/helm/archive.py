"""Read a chart archive's files as Helm's ``LoadArchiveFiles`` does, bounded as it decompresses.

The gzip stream is read once, in order, and every size is checked before its bytes are kept:
a small archive that inflates to gigabytes fails after reading at most the allowance. Path
checks and error texts are Helm's (``pkg/chart/loader/archive``).
"""

from __future__ import annotations

import gzip
import posixpath
import re
import tarfile
import zlib
from typing import IO, Any

from kts.gotemplate.strconv import quote
from kts.helm.chart import File
from kts.helm.errors import ChartLoadError

_BOM = b"\xef\xbb\xbf"
_DRIVE = re.compile(r"^[a-zA-Z]:/")
_SPECIAL_MAX = 1 << 20  # Go's archive/tar keeps PAX and GNU long-name records to 1 MiB
_SPECIAL_TYPES = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE,
                  tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE)


class ArchiveBudget:
    """Decompressed bytes a chart may still load, shared with the archives nested in it.

    Helm gives each nested ``charts/*.tgz`` a fresh allowance; sharing one keeps the whole
    tree within ``max_total`` however deeply archives nest.
    """

    __slots__ = ("max_file", "max_total", "remaining")

    def __init__(self, max_total: int, max_file: int) -> None:
        self.max_total = max_total
        self.max_file = max_file
        self.remaining = max_total

    def too_large(self) -> ChartLoadError:
        return ChartLoadError(f"decompressed chart is larger than the maximum size {self.max_total}")


class _Bounded:
    """A read-only stream that fails once more than ``allowance`` bytes have come through it.

    Tar headers, padding and PAX records are not file content, so the content budget alone
    does not bound them; this does.
    """

    def __init__(self, raw: IO[bytes] | gzip.GzipFile, allowance: int, budget: ArchiveBudget) -> None:
        self._raw = raw
        self._left = allowance
        self._budget = budget

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > self._left + 1:
            size = self._left + 1
        data = self._raw.read(size)
        self._left -= len(data)
        if self._left < 0:
            raise self._budget.too_large()
        return data


class _GuardedInfo(tarfile.TarInfo):
    """Refuses oversized PAX and long-name records before reading them into memory."""

    def _proc_member(self, tarfile: Any) -> Any:
        if self.type in _SPECIAL_TYPES and self.size > _SPECIAL_MAX:
            raise ChartLoadError("archive/tar: header field too long")
        return super()._proc_member(tarfile)  # type: ignore[misc]


def read_archive(raw: IO[bytes], budget: ArchiveBudget) -> list[File]:
    """The files of a gzipped chart tarball, named relative to its top directory."""
    try:
        gz = gzip.GzipFile(fileobj=raw, mode="rb")
        stream = _Bounded(gz, 2 * budget.max_total + _SPECIAL_MAX, budget)
        with tarfile.open(fileobj=stream, mode="r|", tarinfo=_GuardedInfo) as tar:  # type: ignore[call-overload]
            files = [f for m in tar if (f := _member(tar, m, budget)) is not None]
    except ChartLoadError:
        raise
    except (EOFError, tarfile.ReadError) as exc:
        text = str(exc)
        if isinstance(exc, EOFError) or "unexpected end" in text or "truncated" in text:
            raise ChartLoadError("unexpected EOF") from exc
        if text == "invalid header":  # gzip holding something other than a tar stream
            raise ChartLoadError("archive/tar: invalid tar header") from exc
        raise ChartLoadError(f"error reading chart archive: {exc}") from exc
    except (tarfile.TarError, OSError, zlib.error) as exc:
        raise ChartLoadError(f"error reading chart archive: {exc}") from exc
    if not files:
        raise ChartLoadError("no files in chart archive")
    return files


def _member(tar: tarfile.TarFile, m: tarfile.TarInfo, budget: ArchiveBudget) -> File | None:
    if m.isdir():
        return None
    name = m.name
    delimiter = "\\" if "\\" in name else "/"
    parts = name.split(delimiter)
    rel = "/".join(parts[1:])
    if rel.startswith("/"):
        raise ChartLoadError("chart illegally contains absolute paths")
    rel = posixpath.normpath(rel) if rel else "."
    if rel == ".":
        raise ChartLoadError(f"chart illegally contains content outside the base directory: {quote(name)}")
    if rel.startswith(".."):
        raise ChartLoadError("chart illegally references parent directory")
    if _DRIVE.match(rel):
        raise ChartLoadError("chart contains illegally named files")
    if parts[0] == "Chart.yaml":
        raise ChartLoadError("chart yaml not in base directory")
    # Links, devices and FIFOs carry no data: Helm loads them as empty files, never their target.
    has_data = m.isreg() or m.type not in tarfile.SUPPORTED_TYPES
    size = m.size if has_data else 0
    if size > budget.remaining:
        raise budget.too_large()
    if size > budget.max_file:
        raise ChartLoadError(f"decompressed chart file {quote(name)} is larger than the maximum file size "
                             f"{budget.max_file}", path=rel)
    content = b""
    if has_data:
        fobj = tar.extractfile(m)
        content = fobj.read(size) if fobj is not None else b""
    budget.remaining -= len(content)
    if len(content) < size or budget.remaining <= 0:
        raise budget.too_large()
    return File(rel, content.removeprefix(_BOM))
