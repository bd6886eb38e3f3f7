"""Browser testing helpers shared by every suite with pages: Debian's chromium, headless,
driven by Playwright for Python, and axe-core's WCAG 2 AA check.

Never ``playwright install``: the browser is the system's and axe-core comes from the npm
registry into .cache/ (ops/services.sh installs both). tests/conftest.py loads this module as
a plugin, so the ``browser`` fixture is there for every test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CTSEARCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "var" / "screenshots"
#: The rules a page must pass: WCAG 2.0 and 2.1, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

needs_chromium = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() or shutil.which("chromium")),
    reason="Debian's chromium is not installed (ops/services.sh installs it)",
)


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM calls are
    # synchronous and safe (Playwright's own documented setting for Django tests).
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def screenshot(page, name: str) -> None:
    """The visible viewport to var/screenshots/, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


def _axe_source() -> str:
    found = sorted(REPO.glob(".cache/axe-core-*/node_modules/axe-core/axe.min.js"))
    if not found:
        pytest.fail("axe-core is not installed: run ops/services.sh install")
    return found[-1].read_text(encoding="utf-8")


def assert_accessible(page, what: str = "") -> None:
    """axe-core finds no WCAG 2 A/AA violation on the page as it is now.

    The script is evaluated through the browser's debugging protocol, not added to the page,
    so the page's own Content-Security-Policy is not weakened for it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert problems == [], f"{what or page.url}: " + "\n".join(problems)
