"""What a failed spawn shows the user: the text, and the HTML JupyterHub's spawn page displays."""

from __future__ import annotations

from jupyterhub.utils import format_exception

from kts.spawner.errors import SpawnFailed, html_message
from kts.spawner.progress import ProgressLog


def test_the_html_is_escaped_and_keeps_its_lines() -> None:
    text = 'Pod p: last log lines:\n<script>alert("x")</script>\n  Traceback & more'
    shown = html_message(text)
    assert shown == ('<span style="white-space: pre-wrap">Pod p: last log lines:\n'
                     '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;\n  Traceback &amp; more</span>')


def test_jupyterhub_takes_both_forms_from_a_failure() -> None:
    failure = SpawnFailed("line one\nline <two>", reason="not-ready")
    assert format_exception(failure) == ("line one\nline <two>", html_message("line one\nline <two>"))


def test_progress_events_carry_the_html_form() -> None:
    log = ProgressLog()
    log.add("waiting for pod p:\n<last line>", 60)
    assert log.events == [{"message": "waiting for pod p:\n<last line>", "progress": 60,
                           "html_message": html_message("waiting for pod p:\n<last line>")}]
