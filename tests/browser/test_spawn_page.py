"""A person's visit, in headless Chromium: log in, watch the spawn, use JupyterLab, stop the server.

Runs ``kts demo`` as a person does. ``make test`` installs Chromium and its WebDriver; without them
this test fails rather than skips, so a machine that cannot run it is noticed.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from kts.spawner.hubprocess import free_port

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("KTS_TEST_KUBECONFIG")), reason="the demo runs on the emulator only"
)


def _found(*names: str) -> str:
    path = next((p for p in map(shutil.which, names) if p), None)
    if path is None:
        pytest.fail(f"{' or '.join(names)} not found: `make browser` installs chromium and chromium-driver")
    return path


@pytest.fixture(scope="module")
def demo() -> Iterator[str]:
    """``kts demo`` on a free port; yields the hub's URL, and checks it stops cleanly on Ctrl-C."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kts.demo", "--port", str(free_port())],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not any("JupyterHub is up at" in line for line in seen):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(seen)
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                continue
        url = next(line for line in seen if "JupyterHub is up at" in line).split(" at ")[1].strip()
        yield url.rstrip("/")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=40)
        assert proc.returncode == 128 + signal.SIGINT, "".join(seen)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = _found("chromium", "chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=_found("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.slow
def test_spawn_shows_progress_opens_jupyterlab_and_stops(demo: str, browser: WebDriver) -> None:
    wait = WebDriverWait(browser, 30)
    browser.get(f"{demo}/hub/login")
    browser.find_element(By.ID, "username_input").send_keys("carol")
    browser.find_element(By.ID, "password_input").send_keys("any password")
    browser.find_element(By.ID, "login_submit").click()

    # The hub spawns at once and shows the spawn page; its event log fills while the pod starts.
    wait.until(lambda d: "/spawn-pending/" in d.current_url or "/user/carol/" in d.current_url)
    shown: list[tuple[int, int]] = []  # (events in the log, progress bar percent), as they changed
    while "/spawn-pending/" in browser.current_url:
        state = browser.execute_script(
            "const bar = document.getElementById('progress-bar');"
            "return [document.querySelectorAll('#progress-log .progress-log-event').length,"
            " bar ? Number(bar.getAttribute('aria-valuenow') || 0) : -1]"
        )
        if isinstance(state, list) and state[0] and (not shown or shown[-1] != tuple(state)):
            shown.append((int(state[0]), int(state[1])))
        time.sleep(0.03)
    assert shown, "no progress event was shown before the redirect to the server"
    assert len(shown) > 1 and any(0 < percent < 100 for _, percent in shown), (
        f"the progress events arrived all at once, not while the server started: {shown}"
    )

    # JupyterLab, with a Python kernel to run code in.
    wait.until(lambda d: "/user/carol/lab" in d.current_url)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".jp-LauncherCard")))
    assert "JupyterLab" in browser.title

    # Stopping from the hub's home page.
    browser.get(f"{demo}/hub/home")
    wait.until(ec.element_to_be_clickable((By.ID, "stop"))).click()
    wait.until(ec.visibility_of_element_located((By.ID, "start")))
    wait.until(lambda d: "Start My Server" in d.find_element(By.ID, "start").text)
    browser.get(f"{demo}/hub/home")
    assert not browser.find_elements(By.ID, "stop"), "the hub still lists carol's server as running"
