"""Sprig's ``getHostByName`` as Helm ships it: without ``--enable-dns`` it always returns ``""``."""

from __future__ import annotations

from kts.gotemplate.gotypes import FuncMap, gofunc


@gofunc("string", result="string")
def getHostByName(name: str) -> str:
    return ""


FUNCS: FuncMap = {"getHostByName": getHostByName}
