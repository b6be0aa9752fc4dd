"""A person at a browser in front of a real hub: logs in with cookies, reads the hub's HTML forms
and submits them as a browser does (every named field the form holds, the chosen ones changed),
so the hub's XSRF checks and form handling run as in production."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import aiohttp

# What a browser sends with a form submission (JupyterHub's XSRF rules look at it).
NAVIGATE = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "document"}


@dataclass
class Form:
    """One ``<form>``: where it posts, and its named fields in document order."""

    action: str
    enctype: str
    fixed: list[tuple[str, str]] = field(default_factory=list)
    radios: dict[str, list[str]] = field(default_factory=dict)
    checked: dict[str, str] = field(default_factory=dict)
    selects: dict[str, list[str]] = field(default_factory=dict)
    selected: dict[str, str] = field(default_factory=dict)

    def submission(self, choices: dict[str, str], *, unchecked: bool = False) -> list[tuple[str, str]]:
        """The fields a browser posts after the user picks ``choices``. A choice the form does not
        offer is refused unless ``unchecked`` (a hand-made request, not a browser's)."""
        for name, value in choices.items():
            offered = self.radios.get(name) or self.selects.get(name)
            if offered is None and not unchecked:
                raise AssertionError(
                    f"the form has no field {name!r}: {sorted({**self.radios, **self.selects})}"
                )
            if offered is not None and value not in offered and not unchecked:
                raise AssertionError(f"the form offers no {value!r} for {name}: {offered}")
        out = list(self.fixed)
        for name in self.radios:
            value = choices.get(name, self.checked.get(name))
            if value is not None:
                out.append((name, value))
        for name, options in self.selects.items():
            value = choices.get(name, self.selected.get(name, options[0] if options else None))
            if value is not None:
                out.append((name, value))
        return out


class FormParser(HTMLParser):
    """The forms of a page (inputs, radios and selects; enough for the hub's pages)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("enctype", "")))
            return
        if not self.forms:
            return
        form, name = self.forms[-1], a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                form.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.checked[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file", "checkbox"):
                form.fixed.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            form.selects.setdefault(name, [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            form.selects[self._select].append(value)
            if "selected" in a:
                form.selected[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms_of(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


class Browser:
    """One browser session (cookies kept, redirects not followed) against the hub at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url
        # The hub is at an IP address: aiohttp keeps cookies of IP hosts only when told to.
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.session.close()

    async def get(self, path: str) -> tuple[int, str, str]:
        """Status, body and the redirect target (empty when none) of a page."""
        async with self.session.get(self.url + path, headers=NAVIGATE, allow_redirects=False) as resp:
            return resp.status, await resp.text(), resp.headers.get("Location", "")

    async def submit(self, page_url: str, form: Form, fields: list[tuple[str, str]]) -> tuple[int, str, str]:
        """Post ``fields`` to the form's action, encoded as the form's enctype says."""
        target = urljoin(self.url + page_url, form.action) if form.action else self.url + page_url
        data = aiohttp.FormData(fields, default_to_multipart=form.enctype == "multipart/form-data")
        async with self.session.post(target, data=data, headers=NAVIGATE, allow_redirects=False) as resp:
            return resp.status, await resp.text(), resp.headers.get("Location", "")

    async def log_in(self, username: str, password: str = "any password") -> None:
        status, page, _ = await self.get("/hub/login")
        assert status == 200, (status, page[:300])
        (form,) = [f for f in forms_of(page) if "username" in dict(f.fixed)]
        fields = [(k, username if k == "username" else password if k == "password" else v)
                  for k, v in form.submission({})]  # fmt: skip
        status, page, location = await self.submit("/hub/login", form, fields)
        assert status == 302, (status, page[:300])
        assert not location.startswith("/hub/login"), location


def text_of(page: str) -> Any:
    """The page's text without markup (for asserting what a person reads)."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self._skip = 0

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self._skip += tag in ("script", "style")

        def handle_endtag(self, tag: str) -> None:
            self._skip -= tag in ("script", "style") and self._skip > 0

        def handle_data(self, data: str) -> None:
            if not self._skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())
