"""End to end in a real browser: `streamlit run ui/app.py` on 127.0.0.1, driven by Debian's
Chromium through Playwright. A producer types a description and sees the decision.

Needs /usr/bin/chromium (`make test` installs it). It never runs `playwright install`.
Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """The chat page served by `streamlit run`, with its own empty data directory."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("greenlight-data")
    env = {**os.environ, "GREENLIGHT_DATA_DIR": str(data_dir), "GREENLIGHT_BACKEND": "offline"}
    env.pop("GREENLIGHT_DB_URL", None)
    log = (data_dir / "streamlit.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
         "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("streamlit did not start:\n" + (data_dir / "streamlit.log").read_text()[-3000:])
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: run `make test`, which installs Debian's chromium "
                    "(apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1440, "height": 1400})
    page.set_default_timeout(20_000)
    yield page
    page.close()


def test_producer_describes_a_use_and_sees_the_decision(app_url: str, page) -> None:
    try:
        _describe_and_check(app_url, page)
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-failure.png"))  # what the browser showed
        raise


def _describe_and_check(app_url: str, page) -> None:
    page.goto(app_url)
    chat_input = page.get_by_test_id("stChatInputTextArea")
    chat_input.wait_for()
    page.get_by_text("NEEDS INFO").first.wait_for()  # the card before anything is said

    chat_input.fill("We want to clone the lead actor's voice with an AI tool for the French dub.")
    chat_input.press("Enter")

    card = page.locator(".st-key-decision-card")
    card.get_by_text("APPROVAL REQUIRED").wait_for()
    # The card's reasons render one after another: wait for the last one before reading it.
    card.get_by_text("G3.3 · Digital replicas of real talent").first.wait_for()
    card_text = card.inner_text()
    assert "Escalate to your Netflix contact" in card_text
    assert "likeness or voice of a real person" in card_text
    assert "G3.3 · Digital replicas of real talent" in card_text
    # The reply in the conversation, and the declaration beside it.
    assert page.get_by_test_id("stChatMessage").filter(has_text="APPROVAL REQUIRED").count() >= 1
    # The declaration panel also renders after the card: wait for the quote before reading it.
    page.locator(".st-key-declaration").get_by_text("Your words: “actor's voice” (message 1)").first.wait_for()
    declaration = page.locator(".st-key-declaration").inner_text()
    assert "Talent likeness or voice" in declaration
    assert "Your words: “actor's voice” (message 1)" in declaration  # the producer's own words
    assert page.get_by_test_id("stDownloadButton").count() == 2

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # The chat keeps itself scrolled to the bottom; scroll up as a user would, to show the top.
    page.mouse.move(700, 600)
    for _ in range(4):
        page.mouse.wheel(0, -3000)
        page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / "chat.png"))

    # A citation opens its guideline passage.
    card.get_by_text("G3.3 · Digital replicas of real talent").click()
    page.get_by_test_id("stPopoverBody").get_by_text("explicit, documented consent", exact=False).wait_for()
