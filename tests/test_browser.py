"""The web page in a real browser: headless Chromium (Debian's `chromium`, or the one named
by ROTA_CHROMIUM) driven by Playwright. Every assignment is visible, the issue filter
works, details open on tap, injected titles stay text, the page fits a 375 px phone
(the timeline scrolls inside it) and prints on A4 landscape.

These tests fail, not skip, when there is no Chromium: the README's test command installs it."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pages import QUOTES_TITLE, SCRIPT_TITLE, Published, published_day

playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
A4_LANDSCAPE_CSS_PX = 1123  # 297 mm at 96 dpi


def chromium_path() -> str:
    found = os.environ.get("ROTA_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail(
            "no Chromium for the browser tests: install Debian's `chromium` package "
            "(apt-get install chromium) or set ROTA_CHROMIUM to a Chromium executable"
        )
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Published:
    return published_day(tmp_path_factory.mktemp("browser"))


@pytest.fixture
def alerts() -> list[str]:
    return []


def open_page(browser: Any, path: Path, alerts: list[str], viewport: dict[str, int]) -> Any:
    page = browser.new_page(viewport=viewport)
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request", lambda r: alerts.append(f"request {r.url}") if r.url.startswith("http") else None
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert errors == []
    return page


def block(page: Any, meeting: str, attendee: str) -> Any:
    return page.locator(f'.block[data-meeting="{meeting}"][data-attendee="{attendee}"]')


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_assignment_is_visible(
    browser: Any, day: Published, alerts: list[str], viewport: dict[str, int]
) -> None:
    page = open_page(browser, day.v2 / "rota.html", alerts, viewport)
    data = day.data(2)
    for item in data["assignments"]:
        shown = block(page, item["meeting"], item["attendee"])
        assert shown.count() == 1
        assert shown.is_visible(), item
        title = next(m["title"] for m in data["meetings"] if m["id"] == item["meeting"])
        shown.scroll_into_view_if_needed()
        assert shown.locator(".t").inner_text().strip() == title
    for meeting in data["meetings"]:
        if meeting["status"] == "uncovered":
            assert block(page, meeting["id"], "uncovered").is_visible()
    assert alerts == []


def test_the_issue_filter_shows_only_that_issue(
    browser: Any, day: Published, alerts: list[str]
) -> None:
    page = open_page(browser, day.v2 / "rota.html", alerts, DESKTOP)
    blocks = page.locator(".block")
    total = blocks.count()
    page.click('.filter button[data-issue="ai"]')
    assert page.locator('.filter button[data-issue="ai"]').get_attribute("aria-pressed") == "true"
    seen_ai = 0
    for i in range(total):
        issues = (blocks.nth(i).get_attribute("data-issues") or "").split()
        assert blocks.nth(i).is_visible() == ("ai" in issues)
        seen_ai += "ai" in issues
    assert 0 < seen_ai < total
    # A person with nothing on AI drops out of view; the filter is kept in the address.
    ai_people = {
        blocks.nth(i).get_attribute("data-attendee")
        for i in range(total)
        if "ai" in (blocks.nth(i).get_attribute("data-issues") or "").split()
    }
    for row in page.locator(".row[data-attendee]").all():
        assert row.is_visible() == (row.get_attribute("data-attendee") in ai_people)
    assert page.evaluate("location.hash") == "#issue=ai"
    assert page.locator(".filter-note").inner_text().startswith("Showing only AI")
    assert not page.locator(".row.uncovered").is_visible()  # both uncovered are on privacy
    page.click('.filter button[data-issue="privacy"]')
    assert page.locator(".row.uncovered .who small").inner_text() == "2 meetings"
    page.click('.filter button[data-issue=""]')
    assert all(blocks.nth(i).is_visible() for i in range(total))


def test_a_link_with_an_issue_opens_filtered(
    browser: Any, day: Published, alerts: list[str]
) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto((day.v2 / "rota.html").as_uri() + "#issue=privacy")
    assert (
        page.locator('.filter button[data-issue="privacy"]').get_attribute("aria-pressed") == "true"
    )
    assert not block(page, "script", "cy").is_visible()  # an AI meeting
    assert block(page, "plenary", "ana").is_visible()


def test_tapping_a_meeting_shows_its_details(
    browser: Any, day: Published, alerts: list[str]
) -> None:
    page = open_page(browser, day.v1 / "rota.html", alerts, PHONE)
    quotes = page.locator('.block[data-meeting="quotes"]').first
    quotes.scroll_into_view_if_needed()
    quotes.click()
    details = page.locator("#details")
    assert details.is_visible()
    assert details.locator("h3").inner_text() == QUOTES_TITLE
    text = details.inner_text()
    assert "Covered by: " in text and "Issues: " in text
    page.locator("#details .close").click()
    assert not details.is_visible()
    uncovered = block(page, "closed", "uncovered")
    uncovered.scroll_into_view_if_needed()
    uncovered.click()
    assert "UNCOVERED" in details.inner_text() and "closed" in details.inner_text()


def test_injected_titles_render_as_text(browser: Any, day: Published, alerts: list[str]) -> None:
    page = open_page(browser, day.v1 / "rota.html", alerts, DESKTOP)
    for attendee in ("uncovered", "ana", "ben", "cy"):
        shown = block(page, "script", attendee)
        if shown.count():
            assert shown.locator(".t").inner_text() == SCRIPT_TITLE
            shown.click()
            assert page.locator("#details h3").inner_text() == SCRIPT_TITLE
            assert "Room <2>" in page.locator("#details").inner_text()
            page.keyboard.press("Escape")
            break
    else:
        pytest.fail("the <script> meeting is not on the page")
    # Only the page's own two script elements exist; nothing ran an alert.
    assert page.locator("script").count() == 2
    assert page.locator("b").filter(has_text="AI").count() == 0
    assert alerts == []


def test_a_phone_screen_reads_the_page(
    browser: Any, day: Published, alerts: list[str], tmp_path: Path
) -> None:
    page = open_page(browser, day.v2 / "rota.html", alerts, PHONE)
    # The page itself does not scroll sideways: only the timeline does, inside it.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate("document.querySelector('.scroll').scrollWidth") > PHONE["width"]
    sizes = page.eval_on_selector_all(
        ".block .t", "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 11
    # The names stay in view while the timeline scrolls.
    page.evaluate("document.querySelector('.scroll').scrollLeft = 600")
    name = page.locator('.row[data-attendee="ana"] .who')
    assert name.bounding_box()["x"] == pytest.approx(0, abs=1)
    shot = tmp_path / "rota-phone.png"
    page.evaluate("document.querySelector('.scroll').scrollLeft = 0")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    width = int.from_bytes(shot.read_bytes()[16:20], "big")  # the PNG header's width
    assert width == PHONE["width"]


def test_it_prints_on_a4_landscape(browser: Any, day: Published, alerts: list[str]) -> None:
    page = open_page(browser, day.v2 / "rota.html", alerts, DESKTOP)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_LANDSCAPE_CSS_PX, "height": 794})
    scroll = page.evaluate(
        "(() => { const s = document.querySelector('.scroll');"
        " return [s.scrollWidth, s.clientWidth]; })()"
    )
    assert scroll[0] <= scroll[1] + 1  # the whole day fits across the page
    assert not page.locator(".filter").is_visible()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes
    for width, height in boxes:
        assert float(width) == pytest.approx(841.9, abs=2)  # A4, long side across
        assert float(height) == pytest.approx(595.3, abs=2)


def test_a_bad_link_or_a_changed_link_keeps_the_page_working(
    browser: Any, day: Published, alerts: list[str]
) -> None:
    page = browser.new_page(viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((day.v2 / "rota.html").as_uri() + "#issue=%E0%A4%A")
    assert errors == []
    assert page.locator('.filter button[data-issue=""]').get_attribute("aria-pressed") == "true"
    block(page, "plenary", "ana").click()
    assert page.locator("#details").is_visible()
    page.keyboard.press("Escape")
    page.evaluate("location.hash = '#issue=ai'")
    page.wait_for_function("document.querySelector('.filter-note').hidden === false")
    assert not block(page, "plenary", "ana").is_visible()
    assert "Showing only AI" in page.locator(".filter-note").inner_text()


def test_every_row_keeps_the_same_time_axis_on_a_phone(
    browser: Any, day: Published, alerts: list[str]
) -> None:
    page = open_page(browser, day.v2 / "rota.html", alerts, PHONE)
    lefts = page.eval_on_selector_all(
        ".row .track", "els => els.map(e => Math.round(e.getBoundingClientRect().left))"
    )
    widths = page.eval_on_selector_all(
        ".row .track", "els => els.map(e => Math.round(e.getBoundingClientRect().width))"
    )
    assert len(set(lefts)) == 1 and len(set(widths)) == 1
    # On a phone the list of changes starts folded, the timeline in sight.
    assert page.locator("details.changes").get_attribute("open") is None


def person_view(page: Any, who: str) -> list[str]:
    """The meeting ids of one person's day as the page lists them, top to bottom."""
    view = page.locator(f'.person-day[data-person="{who}"]')
    assert view.is_visible()
    items = view.locator("li")
    assert all(items.nth(i).is_visible() for i in range(items.count()))
    return [items.nth(i).get_attribute("data-meeting") for i in range(items.count())]


def test_my_day_shows_one_persons_meetings_in_time_order(
    browser: Any, day: Published, alerts: list[str]
) -> None:
    data = day.data(2)
    page = open_page(browser, day.v2 / "rota.html", alerts, PHONE)
    # Without a person in the address: the timeline, and the picker on top.
    assert page.locator("main").is_visible() and page.locator("#person-picker").is_visible()
    assert not page.locator(".person-day").first.is_visible()
    for who in ("ana", "ben", "cy"):
        mine = sorted(
            (a for a in data["assignments"] if a["attendee"] == who),
            key=lambda a: (a["start"], a["meeting"]),
        )
        page.select_option("#person-picker", who)  # by the picker
        assert page.evaluate("location.hash") == f"#person={who}"
        assert not page.locator("main").is_visible()
        assert person_view(page, who) == [a["meeting"] for a in mine]
        assert page.locator(".person-day:visible").count() == 1
        fresh = open_page(browser, day.v2 / "rota.html", alerts, PHONE)  # by the link
        fresh.goto((day.v2 / "rota.html").as_uri() + f"#person={who}")
        fresh.reload()
        assert person_view(fresh, who) == [a["meeting"] for a in mine]
        width = fresh.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]  # no sideways scrolling of the list
        fresh.close()
    # Each item says when, where, and who else; a hostile title stays text.
    page.select_option("#person-picker", "ana")
    text = page.locator('.person-day[data-person="ana"]').inner_text()
    for a in (a for a in data["assignments"] if a["attendee"] == "ana"):
        title = next(m["title"] for m in data["meetings"] if m["id"] == a["meeting"])
        assert title in text
    assert page.locator("script").count() == 2 and alerts == []
    # Back to everyone.
    page.select_option("#person-picker", "")
    assert page.locator("main").is_visible()
    page.goto((day.v2 / "rota.html").as_uri() + "#person=nobody")
    page.reload()
    assert page.locator("main").is_visible()  # an unknown person: the whole rota
