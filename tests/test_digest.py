"""`rota digest`: the day's rota as text for the group chat matches the published rota,
flags what is uncovered, fits in chat messages and carries no contact details."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pages import CONTACTS, DAY, Published, published_day

from coverage.cli import main
from coverage.export.digest import MAX_MESSAGE, render_digest, short_names, title_text
from coverage.published import Person, PublishedRota

EXAMPLE = Path(__file__).parent.parent / "examples" / "plenipot2018"
EXAMPLE_DAY = "2018-11-15"  # the busiest day of the example


def run(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def digest(*args: Any) -> str:
    result = run("digest", *args)
    assert result.exit_code == 0, result.output
    return str(result.output)


def clock_span(meeting: dict[str, Any]) -> str:
    start, end = (datetime.fromisoformat(meeting[k]) for k in ("start", "end"))
    return f"{start:%H:%M}-{end:%H:%M}"


def lines_of(text: str, meeting: dict[str, Any]) -> list[str]:
    """The digest lines about `meeting`: they start with its time and title."""
    heads = (
        f"{clock_span(meeting)} {meeting['title']}",
        f"{clock_span(meeting)} (after midnight) {meeting['title']}",
    )
    return [
        line.removeprefix("⚠ ")
        for line in text.splitlines()
        if line.removeprefix("⚠ ").startswith(heads)
    ]


def assert_matches_by_issue(text: str, rota: dict[str, Any], day: str) -> None:
    """Every live meeting of the day appears once, with exactly the people covering it (by
    their short names), or flagged uncovered; cancelled ones only in the cancelled line."""
    names = short_names(PublishedRota.model_validate(rota).attendees)
    for meeting in (m for m in rota["meetings"] if m["day"] == day):
        found = lines_of(text, meeting)
        if meeting["status"] == "cancelled":
            assert found == [], meeting["id"]
            assert meeting["title"] in text.split("Cancelled: ")[1]
            continue
        assert len(found) == 1, (meeting["id"], found)
        (line,) = found
        if meeting["status"] == "uncovered":
            assert ": UNCOVERED" in line
            assert f"⚠ {line}" in text
        else:
            who = ", ".join(names[a] for a in meeting["attendees"])
            assert line.endswith(f": {who}"), (line, who)
            assert "UNCOVERED" not in line


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Published:
    return published_day(tmp_path_factory.mktemp("digest"))


def test_the_digest_by_issue_matches_the_replanned_rota(day: Published) -> None:
    text = digest(day.workspace, "--day", DAY, "--out", day.out)
    assert_matches_by_issue(text, day.data(2), DAY)
    assert "(version 2, replanned at 12:30)" in text.splitlines()[0]
    assert "2 uncovered" in text.splitlines()[1]


def test_an_older_version_on_request(day: Published) -> None:
    text = digest(day.workspace, "--day", DAY, "--version", 1, "--out", day.out)
    assert_matches_by_issue(text, day.data(1), DAY)
    assert "Cancelled" not in text


def test_the_digest_by_person_matches_the_rota(day: Published) -> None:
    text = digest(day.workspace, "--day", DAY, "--by", "person", "--out", day.out)
    rota = day.data(2)
    names = short_names(day.rota(2).attendees)
    sections = {s.splitlines()[0]: s.splitlines()[1:] for s in text.strip().split("\n\n")}
    meetings = {m["id"]: m for m in rota["meetings"]}
    busy = set()
    for person in rota["attendees"]:
        theirs = [a for a in rota["assignments"] if a["attendee"] == person["id"]]
        if not theirs:
            continue
        busy.add(person["id"])
        listed = sections[f"■ {names[person['id']]}"]
        assert len(listed) == len(theirs)
        for line, item in zip(listed, theirs, strict=True):
            meeting = meetings[item["meeting"]]
            assert line.startswith(f"{clock_span(item)} {meeting['title']}")
            others = [names[a] for a in meeting["attendees"] if a != person["id"]]
            assert line.endswith(f" with {', '.join(others)}") == bool(others)
    free = [names[a["id"]] for a in rota["attendees"] if a["id"] not in busy]
    assert f"Free all day: {', '.join(free)}" in text
    uncovered = [m for m in rota["meetings"] if m["status"] == "uncovered"]
    assert sections[f"⚠ Uncovered ({len(uncovered)})"] == [
        f"⚠ {lines_of(text, m)[0]}" for m in uncovered
    ]


def test_one_issue_lists_every_meeting_on_it(day: Published) -> None:
    text = digest(day.workspace, "--day", DAY, "--issue", "ai", "--out", day.out)
    rota = day.data(2)
    for meeting in rota["meetings"]:
        live = meeting["status"] != "cancelled"
        assert bool(lines_of(text, meeting)) == (live and "ai" in meeting["issues"])


def test_no_contact_details(day: Published) -> None:
    for by in ("issue", "person"):
        text = digest(day.workspace, "--day", DAY, "--by", by, "--out", day.out)
        assert not any(contact in text for contact in CONTACTS)
        assert "@" not in text


def test_the_example_day_matches_its_rota(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("plan", EXAMPLE, "--day", EXAMPLE_DAY, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    rota = json.loads(Path(result.output.strip()).read_text())
    text = digest(EXAMPLE, "--day", EXAMPLE_DAY, "--out", out)
    messages = render_digest(PublishedRota.model_validate(rota), date.fromisoformat(EXAMPLE_DAY))
    assert all(len(m) <= MAX_MESSAGE for m in messages)
    assert len(messages) > 1 and text.count("----- message ") == len(messages)
    assert_matches_by_issue(text, rota, EXAMPLE_DAY)


def test_short_names_are_unique() -> None:
    people = [
        {"id": "a", "name": "Ana Souza"},
        {"id": "b", "name": "Ana Silva"},
        {"id": "c", "name": "Ana Santos Silva"},
        {"id": "d", "name": "Ben Okafor"},
        {"id": "e", "name": "Mononym"},
    ]
    names = short_names([Person(**p) for p in people])
    assert names == {
        "a": "Ana Souza",
        "b": "Ana Silva",
        "c": "Ana Santos Silva",
        "d": "Ben",
        "e": "Mononym",
    }
    two = short_names([Person(id="a", name="Ana Souza"), Person(id="b", name="Ana Lima")])
    assert two == {"a": "Ana S.", "b": "Ana L."}


def test_digest_refuses_what_it_cannot_do(day: Published, tmp_path: Path) -> None:
    result = run("digest", day.workspace, "--day", "2018-11-06", "--out", day.out)
    assert result.exit_code == 2 and "no published rota for 2018-11-06" in result.output
    result = run("digest", day.workspace, "--day", DAY, "--issue", "nope", "--out", day.out)
    assert result.exit_code == 2 and "--issue nope" in result.output
    result = run("digest", day.workspace, "--day", DAY, "--version", 9, "--out", day.out)
    assert result.exit_code == 2 and "version 9" in result.output


def test_one_issue_by_person_lists_only_that_issue(day: Published) -> None:
    text = digest(day.workspace, "--day", DAY, "--by", "person", "--issue", "ai", "--out", day.out)
    rota = day.data(2)
    names = short_names(day.rota(2).attendees)
    ai = {m["id"] for m in rota["meetings"] if "ai" in m["issues"]}
    for person in rota["attendees"]:
        has_ai = any(
            a["attendee"] == person["id"] and a["meeting"] in ai for a in rota["assignments"]
        )
        assert (f"■ {names[person['id']]}\n" in text) == has_ai
    for meeting in rota["meetings"]:
        if meeting["id"] not in ai:
            assert not lines_of(text, meeting)
    # Free means free all day, not just free of this issue.
    busy = {a["attendee"] for a in rota["assignments"]}
    free = [names[p["id"]] for p in rota["attendees"] if p["id"] not in busy]
    assert f"Free all day: {', '.join(free)}" in text
    assert text.splitlines()[0].endswith(", AI only")


def test_titles_stay_on_one_line_and_right_to_left_ones_are_isolated() -> None:
    assert title_text("Informal\non Res. 196\t(AI)") == "Informal on Res. 196 (AI)"
    arabic = "مشاورة بشأن القرار 196"
    assert title_text(arabic) == f"\u2068{arabic}\u2069"
    assert title_text("Plenary") == "Plenary"


def test_one_persons_day_for_a_direct_message(day: Published) -> None:
    rota = day.data(2)
    names = short_names(PublishedRota.model_validate(rota).attendees)
    for who in ("ana", "ben", "cy"):
        text = digest(day.workspace, "--day", DAY, "--out", day.out, "--person", who)
        assert "your day" in text.splitlines()[0]
        mine = sorted(
            (a for a in rota["assignments"] if a["attendee"] == who), key=lambda a: a["start"]
        )
        lines = [line for line in text.splitlines()[2:] if line[:2].isdigit()]
        assert len(lines) == len(mine)
        for line, item in zip(lines, mine, strict=True):
            meeting = next(m for m in rota["meetings"] if m["id"] == item["meeting"])
            assert line.startswith(f"{clock_span(item)} {meeting['title']}")
            others = [names[a] for a in meeting["attendees"] if a != who]
            assert line.endswith(f" with {', '.join(others)}") if others else " with " not in line
        if not mine:
            assert "Nothing on the rota for you" in text
        for detail in CONTACTS:
            assert detail not in text
    refused = run("digest", day.workspace, "--day", DAY, "--out", day.out, "--person", "zed")
    assert refused.exit_code == 2 and "--person zed" in refused.output


def test_links_to_each_persons_day(day: Published) -> None:
    result = run(
        "links", day.workspace, "--day", DAY, "--out", day.out, "--base-url",
        "https://example.org/pp18/rota.html#old",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    assert all("https://example.org/pp18/rota.html#person=" in line for line in lines)
    assert any(line.startswith("Ana Souza (") for line in lines)
    for bad in ("javascript:alert(1)", "https://user:pw@example.org/", "https://ex ample.org/"):
        refused = run("links", day.workspace, "--day", DAY, "--out", day.out, "--base-url", bad)
        assert refused.exit_code == 2 and "--base-url" in refused.output


def test_links_and_person_refuse_what_they_cannot_mean(day: Published) -> None:
    for bad in ("https://example.org/\u202erota.html", "https://example.org:99999/",
                "https://example.org/%zz", 'https://example.org/"<x>'):  # fmt: skip
        refused = run("links", day.workspace, "--day", DAY, "--out", day.out, "--base-url", bad)
        assert refused.exit_code == 2 and "--base-url" in refused.output, bad
    both = run("digest", day.workspace, "--day", DAY, "--out", day.out, "--person", "ana",
               "--by", "issue")  # fmt: skip
    assert both.exit_code == 2 and "--person" in both.output
