"""Every output says what the published rota says. On tiny random workspaces (with a DST
night among them), each output is read back on its own terms (the terminal table, the
Markdown, the web page, the digest by person, the iCalendar feeds, and after a replan the
messages) and must agree with the typed rota on who is at which meeting at what time, and
on the meeting counts."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from strategies import tiny_workspaces

from coverage.domain import Workspace
from coverage.export.digest import render_digest, short_names
from coverage.export.html import render_html
from coverage.export.ical import build_calendars
from coverage.export.markdown import render_markdown
from coverage.export.messages import render_messages
from coverage.export.terminal import print_rota
from coverage.plan import PlanOptions, plan, replan
from coverage.published import PublishedRota, Run
from coverage.store import assignments_of

SETTINGS = settings(max_examples=30)  # the rest: the shared profile (conftest.py)
OPTIONS = PlanOptions(seed=0, time_limit=10)
RUN = Run(version=1, reason="plan", created_at=datetime(2018, 11, 1, tzinfo=UTC))

Seen = set[tuple[str, str, str]]  # (attendee, meeting, "HH:MM-HH:MM")


def truth(rota: PublishedRota, day: date) -> Seen:
    return {(a.attendee, a.meeting, rota.span(a)) for a in rota.assignments_on(day)}


def titles(rota: PublishedRota) -> dict[str, str]:
    return {m.title: m.id for m in rota.meetings}


def from_terminal(rota: PublishedRota, day: date) -> tuple[Seen, str]:
    console = Console(file=io.StringIO(), width=400, color_system=None)
    print_rota(rota, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    by_title, names = titles(rota), {p.name: p.id for p in rota.attendees}
    seen: Seen = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) != 5 or cells[1] not in by_title or not cells[0][:1].isdigit():
            continue
        if cells[4] in ("cancelled",) or cells[4].startswith("UNCOVERED"):
            continue
        for name in cells[4].split(", "):
            seen.add((names[name], by_title[cells[1]], cells[0]))
    return seen, text


def from_markdown(rota: PublishedRota, day: date) -> tuple[Seen, str]:
    text = render_markdown(rota)
    by_title, names = titles(rota), {p.name: p.id for p in rota.attendees}
    seen: Seen = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) != 5 or cells[1] not in by_title:
            continue
        if cells[4] == "(cancelled)" or cells[4].startswith("**UNCOVERED**"):
            continue
        for name in cells[4].split(", "):
            seen.add((names[name], by_title[cells[1]], cells[0].removesuffix(" (after midnight)")))
    return seen, text


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[dict[str, str]] = []
        self.text: list[str] = []
        self._block: dict[str, str] | None = None
        self._span = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "button" and "block" in a.get("class", "").split():
            self._block = {**a, "m": ""}
            self.blocks.append(self._block)
        if tag == "span" and self._block is not None:
            self._span = a.get("class", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._block = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._block is not None and self._span == "m":
            self._block["m"] += data


def from_page(rota: PublishedRota, day: date) -> tuple[Seen, str]:
    page = _Page()
    page.feed(render_html(rota))
    seen: Seen = set()
    for block in page.blocks:
        if block["class"].split()[1] in ("assigned", "new", "changed"):
            when = block["m"].split(" · ")[0].replace("–", "-")
            seen.add((block["data-attendee"], block["data-meeting"], when))
    return seen, " ".join(page.text)


def from_digest(rota: PublishedRota, day: date) -> tuple[Seen, str]:
    text = "\n\n".join(render_digest(rota, day, "person"))
    short = {v: k for k, v in short_names(rota.attendees).items()}
    by_title = titles(rota)
    seen: Seen = set()
    for chunk in text.split("\n\n"):
        head, *lines = chunk.splitlines()
        if not head.startswith("■ "):
            continue
        who = short[head.removeprefix("■ ")]
        for line in lines:
            match = re.match(r"(\d\d:\d\d-\d\d:\d\d)(?: \(after midnight\))? (Meeting \d+)", line)
            assert match, line
            seen.add((who, by_title[match.group(2)], match.group(1)))
    return seen, text


def from_ical(ws: Workspace, rota: PublishedRota, day: date) -> Seen:
    calendars = build_calendars(ws, [rota], [day])
    seen: Seen = set()
    for who, calendar in calendars.people.items():
        if not calendar.walk("VEVENT"):
            continue
        for event in vobject.readOne(calendar.to_ical().decode()).vevent_list:
            if event.status.value == "CANCELLED":
                continue
            meeting = event.uid.value.split("@")[0].removesuffix(f".{who}")
            start = event.dtstart.value.astimezone(rota.zone)
            end = event.dtend.value.astimezone(rota.zone)
            seen.add((who, meeting, f"{start:%H:%M}-{end:%H:%M}"))
    return seen


def counts_in(text: str) -> set[str]:
    return set(re.findall(r"\d+ of \d+ meetings? covered", text))


def assert_agree(ws: Workspace, rota: PublishedRota, day: date) -> None:
    expected = truth(rota, day)
    count = rota.counts(day).text()
    for reader in (from_terminal, from_markdown, from_page, from_digest):
        seen, text = reader(rota, day)
        assert seen == expected, reader.__name__
        assert counts_in(text) == {count}, (reader.__name__, counts_in(text), count)
    assert from_ical(ws, rota, day) == expected


def first_day(ws: Workspace) -> date:
    return ws.conference.start


@SETTINGS
@given(tiny_workspaces())
def test_every_output_agrees_with_the_planned_rota(ws: Workspace) -> None:
    day = first_day(ws)
    rota = plan(ws, [day], [], OPTIONS).published(run=RUN)
    assert_agree(ws, rota, day)


@st.composite
def replanned(draw: st.DrawFn) -> tuple[Workspace, PublishedRota, PublishedRota, datetime]:
    ws = draw(tiny_workspaces(dst=False))
    day = first_day(ws)
    before = plan(ws, [day], [], OPTIONS).published(run=RUN)
    # Move one meeting of the day by a random amount, cancel another, or change nothing.
    todays = ws.meetings_on([day])
    meetings = list(ws.meetings)
    if todays:
        target = draw(st.sampled_from(todays))
        action = draw(st.sampled_from(["move", "cancel", "none"]))
        index = meetings.index(target)
        if action == "move":
            shift = timedelta(minutes=draw(st.sampled_from([-30, 15, 45, 90])))
            meetings[index] = target.model_copy(
                update={"start": target.start + shift, "end": target.end + shift}
            )
        elif action == "cancel":
            meetings[index] = target.model_copy(update={"status": "cancelled"})
    after = ws.model_copy(update={"meetings": tuple(meetings)})
    starts = sorted(m.start for m in todays) or [ws.conference.day_opens(day)]
    now = draw(st.sampled_from([starts[0] - timedelta(minutes=1), *starts]))
    return after, before, before, now


@SETTINGS
@given(replanned())
def test_every_output_agrees_with_the_replanned_rota(
    case: tuple[Workspace, PublishedRota, PublishedRota, datetime],
) -> None:
    ws, before, _, now = case
    day = first_day(ws)
    from coverage.usecases import changed_meetings

    result = replan(
        ws,
        day,
        assignments_of(before, day),
        now,
        options=OPTIONS,
        based_on=1,
        changed_meetings=changed_meetings(before, ws, day),
    )
    run = RUN.model_copy(update={"version": 2, "reason": "replan"})
    rota = result.published({day: before}, run)
    assert_agree(ws, rota, day)
    # Messages: exactly the people whose day changed, each told their day as it is now.
    assert rota.replan is not None
    messages = render_messages(rota)
    changed = {c.attendee for c in rota.replan.changes}
    assert set(messages.personal) == changed
    for who in changed:
        text = messages.personal[who]
        mine = [a for a in rota.assignments_of(who, day)]
        now_line = next(
            line for line in text.splitlines() if line.startswith(("Your day now", "You have"))
        )
        assert now_line.count(", ") >= len(mine) or not mine
        for item in mine:
            assert f"{rota.meeting(item.meeting).title}, {rota.span(item)}" in now_line
    assert rota.counts(day).text() in messages.group
    moved = _moved_pairs(before, rota, day)
    for who, meeting in moved:
        assert f"~ CHANGED: {rota.meeting(meeting).title}" in messages.personal[who]


def _moved_pairs(
    before: PublishedRota, after: PublishedRota, day: date
) -> Iterable[tuple[str, str]]:
    """Pairs kept across the replan (not frozen) whose times changed."""
    old = {a.pair: a for a in before.assignments_on(day)}
    for item in after.assignments_on(day):
        was = old.get(item.pair)
        if was is not None and not item.frozen and (was.start, was.end) != (item.start, item.end):
            yield item.attendee, item.meeting
