"""Real-browser tests: Playwright (sync API) driving the system's Chromium against Django's live
server. Playwright's own browser download does not work here, so the Debian package is launched
by path. Without a Chromium the tests are skipped with a notice; with REQUIRE_BROWSER=1 (as
.ci/run sets) a missing Chromium fails them instead."""

from __future__ import annotations

import json
import os
import shutil
import zoneinfo
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test
# itself are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The README shows docs/screenshots/; `make screenshots` refreshes them. An ordinary test run
# writes to test-artifacts/ so it never dirties the work tree.
SCREENSHOTS = ROOT / (
    "docs/screenshots" if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else "test-artifacts/screenshots"
)
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def find_chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = find_chromium()


def needs_chromium() -> None:
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no Chromium: install Debian's chromium package")
        pytest.skip("browser tests SKIPPED: no Chromium (install Debian's chromium package)")
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `npm ci` (make test does)")


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    needs_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Session fixtures are set up before the autouse check above: check here too, before
    # Playwright goes looking for a browser of its own.
    needs_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


class Console:
    """Collects what the page complains about: a CSP violation or a script error is a bug."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: self.errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None,
        )


@pytest.fixture
def console() -> Iterator[Console]:
    watcher = Console()
    yield watcher
    assert watcher.errors == []


@pytest.fixture
def open_page(
    new_context: Callable[..., BrowserContext], live_server: Any, console: Console
) -> Callable[..., Page]:
    """A fresh browser (own cookies and storage) sized as a phone or a laptop."""

    def _open(
        *, phone: bool = True, colour_scheme: str = "light", zone: str = "Europe/Amsterdam"
    ) -> Page:
        options: dict[str, Any] = {
            "viewport": PHONE if phone else LAPTOP,
            "color_scheme": colour_scheme,
            "timezone_id": zone,
            "base_url": live_server.url,
            "accept_downloads": True,
        }
        if phone:
            options.update(device_scale_factor=2, is_mobile=True, has_touch=True)
        page = new_context(**options).new_page()
        page.set_default_timeout(10_000)
        console.watch(page)
        return page

    return _open


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    # The CSP forbids inline script, so add_script_tag(path=...) is blocked (rightly); the
    # DevTools protocol's evaluate is not subject to the page's CSP.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + json.dumps([node["target"] for node in v["nodes"]][:5])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def small_tap_targets(page: Page) -> list[str]:
    """Visible controls shorter than 48 px. Links inside running text are exempt (WCAG 2.5.8)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
                "a, button, summary, select, input:not([type=hidden]), [role=button]"))
            .filter(el => {
                const r = el.getBoundingClientRect();
                if (r.width < 2 || r.height < 2) return false;  // hidden, or skip link
                if (el.tagName === "A" && el.closest("p, li.small, .form-text, td")
                    && !el.classList.contains("btn")) return false;
                if (el.matches("input[type=radio], input[type=checkbox]")) {
                    const label = el.closest(".form-check") || el.labels[0];
                    return !label || label.getBoundingClientRect().height < 48;
                }
                return r.height < 48;
            })
            .map(el => `${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name
                || "").trim().slice(0, 40)}" ${Math.round(el.getBoundingClientRect().height)}px`)"""
    )


def screenshot(page: Page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def zone_where_local_hour_is(hours: range) -> str:
    """A time zone where it is now one of these local hours: the test picks the night (or the
    day) it needs whatever time the suite runs."""
    now = timezone.now()
    for name in sorted(zoneinfo.available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        local: datetime = now.astimezone(zoneinfo.ZoneInfo(name))
        # Not the range's last hour, so a test does not straddle a change of mode.
        if local.hour in hours[:-1]:
            return name
    raise AssertionError(f"no time zone is at hours {hours} now")
