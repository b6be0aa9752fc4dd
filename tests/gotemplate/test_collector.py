"""The collector pause around parsing and compiling: held while any pause lasts, and left as the
application had it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import kts.gotemplate.template as template_module
from kts.gotemplate.collector import collector_paused
from kts.gotemplate.template import TemplateSet


@pytest.fixture(autouse=True)
def _collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_pause_resumes_the_collector() -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_application_disabled_stays_disabled() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_on_threads_resume_after_the_last() -> None:
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    inside.wait(10)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's pause still lasts
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_an_error_ends_the_pause() -> None:
    ts = TemplateSet()
    with pytest.raises(Exception, match="unexpected"):
        ts.parse("t", "{{ 1 | 2 ) }}")
    assert gc.isenabled()


def test_parsing_and_compiling_run_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    parse, compile_tree = template_module.parse, template_module.compile_tree

    def spy_parse(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return parse(*args)

    def spy_compile(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return compile_tree(*args)

    monkeypatch.setattr(template_module, "parse", spy_parse)
    monkeypatch.setattr(template_module, "compile_tree", spy_compile)
    ts = TemplateSet()
    ts.parse("t", "{{ 1 }}")
    assert ts.execute("t") == "1"
    assert seen == [False, False]
    assert gc.isenabled()
