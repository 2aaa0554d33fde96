"""The web page `rota.html`, read as HTML (the browser tests look at it rendered): one
self-contained file, every assignment and uncovered meeting on it, text from the workspace
escaped, no contact details, and after a replan what changed."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pages import CONTACTS, QUOTES_TITLE, SCRIPT_TITLE, Published, published_day

from coverage.export.html import render_html


class Blocks(HTMLParser):
    """The meeting blocks of a page, the text of each, the page's scripts, and the rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict[str, str]] = []
        self.rows: list[dict[str, str]] = []
        self.scripts: list[dict[str, str]] = []
        self._in_block = False
        self._in_script: dict[str, str] | None = None
        self.script_text: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name in ("src", "href"):
            if name in a:
                self.external.append(a[name])
        if tag == "link":
            self.external.append(str(a))
        if tag == "button" and "block" in a.get("class", "").split():
            self.blocks.append({**a, "text": ""})
            self._in_block = True
        elif tag == "div" and "row" in a.get("class", "").split():
            self.rows.append(a)
        elif tag == "script":
            self.scripts.append(a)
            self._in_script = a
            self.script_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._in_block = False
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_block:
            self.blocks[-1]["text"] += data
        if self._in_script is not None:
            self.script_text[-1] += data


def parse(path: Path) -> tuple[str, Blocks]:
    text = path.read_text(encoding="utf-8")
    parser = Blocks()
    parser.feed(text)
    return text, parser


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Published:
    return published_day(tmp_path_factory.mktemp("html"))


def test_plan_and_replan_write_the_page_beside_the_json(day: Published) -> None:
    assert (day.v1 / "rota.html").is_file()
    assert (day.v2 / "rota.html").is_file()


@pytest.mark.parametrize("version", [1, 2])
def test_every_assignment_has_its_block_in_its_person_row(day: Published, version: int) -> None:
    folder = day.v1 if version == 1 else day.v2
    _, page = parse(folder / "rota.html")
    data = day.data(version)
    shown = {
        (b["data-meeting"], b["data-attendee"])
        for b in page.blocks
        if "removed" not in b["class"].split()
    }
    wanted = {(a["meeting"], a["attendee"]) for a in data["assignments"]}
    uncovered = {(m["id"], "uncovered") for m in data["meetings"] if m["status"] == "uncovered"}
    assert shown == wanted | uncovered
    assert {r.get("data-attendee") for r in page.rows if r.get("data-attendee")} == {
        a["id"] for a in data["attendees"]
    }


def test_titles_are_text_not_markup(day: Published) -> None:
    text, page = parse(day.v1 / "rota.html")
    assert SCRIPT_TITLE not in text
    assert "<b>AI</b>" not in text
    titles = {b["data-meeting"]: b["text"] for b in page.blocks}
    assert titles["script"].startswith(SCRIPT_TITLE)
    assert titles["quotes"].startswith(QUOTES_TITLE)
    # The only scripts are the page's own two: the data (JSON, inert) and the code.
    assert [s.get("type") for s in page.scripts] == ["application/json", None]
    assert "<" not in page.script_text[0] and ">" not in page.script_text[0]


def test_no_contact_details_on_the_page(day: Published) -> None:
    for folder in (day.v1, day.v2):
        text = (folder / "rota.html").read_text(encoding="utf-8")
        for contact in CONTACTS:
            assert contact not in text
        assert "@" not in re.sub(r"@(media|page)\b", "", text)


def test_the_page_needs_no_network(day: Published) -> None:
    text, page = parse(day.v2 / "rota.html")
    assert page.external == []
    assert "url(" not in text and "@import" not in text
    assert "http://" not in text and "https://" not in text


def test_the_replanned_page_shows_what_changed(day: Published) -> None:
    text, page = parse(day.v2 / "rota.html")
    data = day.data(2)
    (change,) = data["replan"]["changes"]
    new = {(b["data-meeting"], b["data-attendee"]) for b in page.blocks if "new" in b["class"]}
    removed = {
        (b["data-meeting"], b["data-attendee"]) for b in page.blocks if "removed" in b["class"]
    }
    assert new == {(m, change["attendee"]) for m in change["added"]}
    assert removed == {(r["meeting"], change["attendee"]) for r in change["removed"]}
    assert "Changed since version 1" in text
    assert "replanned at 12:30 from version 1" in text
    _, first = parse(day.v1 / "rota.html")
    assert not any({"new", "removed"} & set(b["class"].split()) for b in first.blocks)


def test_the_same_rota_gives_the_same_page(day: Published) -> None:
    assert render_html(day.rota(2)) == render_html(day.rota(2))
    assert render_html(day.rota(2)) == (day.v2 / "rota.html").read_text(encoding="utf-8")


def test_my_day_says_when_the_person_is_away(tmp_path: Path) -> None:
    """Found by trying it as a new user: a person's own day listed their meetings but not
    their time away, so the rest of the day read as free."""
    from click.testing import CliRunner
    from workspaces import meeting, person, write_workspace

    from coverage.cli import main

    away = [{"start": "2018-11-05 12:00", "end": "2018-11-05 14:00"}]
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana", unavailable=away), person("ben", name="Ben")],
        [meeting("a", "09:00", "10:00"), meeting("b", "15:00", "16:00")],
    )
    done = CliRunner().invoke(main, ["plan", str(ws), "--day", "2018-11-05", "--quiet"])
    assert done.exit_code == 0, done.output
    page = (Path(done.output.strip()).parent / "rota.html").read_text()
    sections = dict(
        re.findall(r'<section class="person-day" data-person="(\w+)" hidden>(.*?)</section>', page)
    )
    assert '<p class="away-note">Away: 12:00–14:00</p>' in sections["ana"]
    assert "away-note" not in sections["ben"]


def test_my_day_says_an_absence_past_the_close_runs_from_its_start(tmp_path: Path) -> None:
    """Found in review: 'Away: 11:00–03:00' read as back at 03:00."""
    from click.testing import CliRunner
    from workspaces import meeting, person, write_workspace

    from coverage.cli import main

    away = [{"start": "2018-11-05 11:00", "end": "2018-11-06 18:00"}]
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana", unavailable=away)],
        [meeting("a", "09:00", "10:00")],
    )
    done = CliRunner().invoke(main, ["plan", str(ws), "--day", "2018-11-05", "--quiet"])
    assert done.exit_code == 0, done.output
    page = (Path(done.output.strip()).parent / "rota.html").read_text()
    assert '<p class="away-note">Away: from 11:00</p>' in page
