"""Any text in any free-text field (hypothesis): either the workspace is refused at load
with a message naming the file, the record and the field, or the text comes out of every
writer (terminal, Markdown, web page, digest, iCalendar) escaped for it and on one line,
with nothing a terminal, browser, Markdown viewer or calendar would act on."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from workspaces import TEXT_FIELDS, meeting, person, put_text, write_workspace

from coverage.errors import WorkspaceError
from coverage.export.digest import render_digest
from coverage.export.html import render_html
from coverage.export.ical import build_calendars
from coverage.export.markdown import render_markdown
from coverage.export.terminal import print_rota
from coverage.io import load_workspace
from coverage.plan import PlanOptions, plan
from coverage.published import Run

DAY = date(2018, 11, 5)
# Characters that act on a reader when they come out raw.
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
        st.sampled_from(list("<>&\"'|[]()*_`\\;,:\n\r\t\x1b\x07\u202e\u2028#!~")),
    ),
    min_size=1,
    max_size=40,
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


@settings(max_examples=60)  # the rest: the shared profile (conftest.py)
@given(st.sampled_from(TEXT_FIELDS), texts)
def test_any_text_is_refused_at_load_or_harmless_in_every_output(
    tmp_path_factory: object, field: str, text: str
) -> None:
    folder = Path(getattr(tmp_path_factory, "mktemp")("ws"))  # noqa: B009
    people = [person("ana", name="Ana"), person("ben", name="Ben")]
    meetings = [meeting("m", "09:00", "10:00", title="Plenary", room="Hall A")]
    conference = put_text(field, text, people, meetings)
    ws_path = write_workspace(folder / "ws", people, meetings, **conference)
    try:
        ws = load_workspace(ws_path)
    except WorkspaceError as error:
        for problem in error.problems:
            assert problem.file.endswith((".yaml", ".csv"))
            assert problem.field, problem
            assert not ACTING.search(str(problem).replace("\n", ""))
        return
    rota = plan(ws, [DAY], [], PlanOptions(time_limit=5)).published(
        run=Run(version=1, reason="plan", created_at=datetime(2018, 11, 1, tzinfo=UTC))
    )

    console = Console(file=io.StringIO(), width=200, color_system=None)
    print_rota(rota, console)
    terminal = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in terminal and not ACTING.search(terminal)

    markdown = render_markdown(rota)
    assert not ACTING.search(markdown) and "\r" not in markdown
    assert "<" not in markdown.replace("&lt;", "")
    assert not re.search(r"(?<!\\)\]\(", markdown)
    for line in markdown.splitlines():
        if line.startswith("| 09:00-10:00 "):
            assert len(re.findall(r"(?<!\\)\|", line)) == 6  # five cells, one row

    page = render_html(rota)
    tags = _Tags()
    tags.feed(page)
    assert tags.tags.count("script") == 2  # the page's own: the data and the code
    assert not ACTING.search(page)

    digest = "\n".join(render_digest(rota, DAY))
    assert not ACTING.search(digest) and "\r" not in digest

    calendars = build_calendars(ws, [rota], [DAY])
    for calendar in [*calendars.people.values(), calendars.team, *calendars.issues.values()]:
        if not calendar.walk("VEVENT"):
            continue
        raw = calendar.to_ical().decode()
        assert not ACTING.search(raw.replace("\r\n", ""))
        parsed = vobject.readOne(raw)
        assert "\n" not in parsed.x_wr_calname.value
        for event in parsed.vevent_list:
            assert "\n" not in event.summary.value
