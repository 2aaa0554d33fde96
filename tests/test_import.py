"""`rota import` (README, "Importing meetings"): a hand-made feed with everything a
conference feed has (a VTIMEZONE for the conference's zone across a DST change, a daily
meeting with one moved occurrence and one dropped, an all-day event, a cancelled event,
folded long lines), re-imports that move, rename and cancel in place (byte for byte
elsewhere, and a replan that tells exactly the people on them), import_rules, a
spreadsheet, meetings.csv with spreadsheet quirks, and the real-world calendars that ship
with the icalendar package: each imports with the right local times or is refused in one
located line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from click.testing import CliRunner, Result
from workspaces import person, write_workspace

from coverage.cli import main
from coverage.io import load_workspace

BERLIN = ZoneInfo("Europe/Berlin")

FEED = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Conference meeting system//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:daily-coordination@conf.example
DTSTAMP:20181001T000000Z
DTSTART;TZID=Europe/Berlin:20181026T090000
DTEND;TZID=Europe/Berlin:20181026T094500
RRULE:FREQ=DAILY;COUNT=4
EXDATE;TZID=Europe/Berlin:20181028T090000
SUMMARY:Civil-society coordination
LOCATION:Room P
END:VEVENT
BEGIN:VEVENT
UID:daily-coordination@conf.example
RECURRENCE-ID;TZID=Europe/Berlin:20181027T090000
DTSTAMP:20181001T000000Z
DTSTART;TZID=Europe/Berlin:20181027T100000
DTEND;TZID=Europe/Berlin:20181027T104500
SUMMARY:Civil-society coordination (later today)
LOCATION:Room P
END:VEVENT
BEGIN:VEVENT
UID:plenary-3@conf.example
DTSTAMP:20181001T000000Z
DTSTART:20181027T230000Z
DURATION:PT2H
SUMMARY:Plenary session 3: Res. 130 (cybersecurity) and a title long enough to be
  folded over two lines by the meeting system
LOCATION:Main Hall
DESCRIPTION:Agenda: Res. 130
END:VEVENT
BEGIN:VEVENT
UID:ad-hoc-ai@conf.example
DTSTAMP:20181001T000000Z
DTSTART;TZID=Europe/Berlin:20181029T140000
DTEND;TZID=Europe/Berlin:20181029T160000
SUMMARY:Ad hoc group on AI
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:day-of-action@conf.example
DTSTAMP:20181001T000000Z
DTSTART;VALUE=DATE:20181028
SUMMARY:Youth day of action
END:VEVENT
BEGIN:VEVENT
UID:before@conf.example
DTSTAMP:20181001T000000Z
DTSTART;TZID=Europe/Berlin:20181020T090000
DTEND;TZID=Europe/Berlin:20181020T100000
SUMMARY:Preparatory meeting
END:VEVENT
END:VCALENDAR
"""

RULES = [
    {"match": r"Res\\. 130|cyber", "issues": ["privacy"]},
    {"match": "coordination", "fields": ["title"], "kind": "coordination", "priority": 2},
    {"match": "Friends of the Chair", "access": "member_states"},
]


def workspace(tmp_path: Path, **conference: object) -> Path:
    return write_workspace(
        tmp_path / "ws",
        [person("ana"), person("ben")],
        [],
        timezone="Europe/Berlin",
        start="2018-10-26",
        end="2018-10-30",
        **conference,
    )


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def feed(tmp_path: Path, text: str = FEED, name: str = "feed.ics") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


def meetings(ws: Path) -> dict[str, object]:
    return {m.source: m for m in load_workspace(ws).meetings if m.source}


def test_a_feed_becomes_exactly_its_meetings(tmp_path: Path) -> None:
    ws = workspace(tmp_path, import_rules=RULES)
    done = run("import", ws, feed(tmp_path))
    assert done.exit_code == 0, done.output
    assert "6 events read; 5 added" in done.stdout and "2 skipped" in done.stdout
    assert "event 'before@conf.example': outside the conference dates" in done.stdout
    found = meetings(ws)
    local = lambda m: (m.start.astimezone(BERLIN), m.end.astimezone(BERLIN))  # noqa: E731
    daily = {s: m for s, m in found.items() if s.startswith("daily-coordination")}
    # 26th, the 27th moved to 10:00 and renamed, the 28th dropped (EXDATE), the 29th
    # after the change from summer time (09:00 local all the same).
    assert sorted(local(m)[0] for m in daily.values()) == [
        datetime(2018, 10, 26, 9, 0, tzinfo=BERLIN),
        datetime(2018, 10, 27, 10, 0, tzinfo=BERLIN),
        datetime(2018, 10, 29, 9, 0, tzinfo=BERLIN),
    ]
    later = next(m for m in daily.values() if "later" in m.title)
    assert later.source == "daily-coordination@conf.example/20181027T070000Z"
    assert all(m.kind == "coordination" and m.priority == 2 for m in daily.values())
    plenary = found["plenary-3@conf.example"]
    assert plenary.title.startswith("Plenary session 3: Res. 130 (cybersecurity) and a title long")
    assert "folded over two lines" in plenary.title and "\n" not in plenary.title
    utc = ZoneInfo("UTC")
    # 23:00 UTC is 01:00 summer time; two hours later the clocks have gone back: 02:00
    # winter time, the second 02:00 of the night (written with its offset).
    assert plenary.start == datetime(2018, 10, 27, 23, 0, tzinfo=utc)
    assert plenary.end == datetime(2018, 10, 28, 1, 0, tzinfo=utc)
    assert '"2018-10-28 02:00+01:00"' in (ws / "meetings.yaml").read_text()
    assert plenary.end - plenary.start == timedelta(hours=2) and plenary.issues == ("privacy",)
    assert plenary.room == "Main Hall"
    assert found["ad-hoc-ai@conf.example"].status == "cancelled"
    # An all-day event is a marker, not a meeting: made one over the day's hours, it was a
    # 19-hour meeting no one could cover.
    assert "day-of-action@conf.example" not in found
    assert "event 'day-of-action@conf.example': an all-day event (no times" in done.stdout
    assert "without issues" in done.stdout and "Youth day of action" not in done.stdout


def test_importing_again_changes_only_what_changed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    first = feed(tmp_path)
    assert run("import", ws, first).exit_code == 0
    plan = run("plan", ws, "--day", "2018-10-29", "--quiet")
    assert plan.exit_code == 0, plan.output
    before = (ws / "meetings.yaml").read_text()
    same = run("import", ws, first)
    assert "0 added" in same.stdout and "nothing to change" in same.stdout
    assert (ws / "meetings.yaml").read_text() == before
    # The organisers move the plenary, rename the 26th's coordination and cancel the 29th's.
    changed = (
        FEED.replace("DTSTART:20181027T230000Z", "DTSTART:20181027T220000Z")
        .replace(
            "RECURRENCE-ID;TZID=Europe/Berlin:20181027T090000",
            "RECURRENCE-ID;TZID=Europe/Berlin:20181027T090000",
        )
        .replace(
            "END:VCALENDAR",
            """BEGIN:VEVENT
UID:daily-coordination@conf.example
RECURRENCE-ID;TZID=Europe/Berlin:20181029T090000
DTSTAMP:20181002T000000Z
DTSTART;TZID=Europe/Berlin:20181029T090000
DTEND;TZID=Europe/Berlin:20181029T094500
SUMMARY:Civil-society coordination
STATUS:CANCELLED
END:VEVENT
BEGIN:VEVENT
UID:new-informal@conf.example
DTSTAMP:20181002T000000Z
DTSTART;TZID=Europe/Berlin:20181026T150000
DTEND;TZID=Europe/Berlin:20181026T160000
SUMMARY:Informal consultation on Res. 130
END:VEVENT
END:VCALENDAR""",
        )
        .replace("SUMMARY:Ad hoc group on AI", "SUMMARY:Ad hoc group on AI (new room)")
    )
    second = run("import", ws, feed(tmp_path, changed, "feed2.ics"))
    assert second.exit_code == 0, second.output
    assert "1 added, 1 moved, 1 renamed" in second.stdout and "1 cancelled" in second.stdout
    after = (ws / "meetings.yaml").read_text()
    changed_lines = [
        line for line in set(after.splitlines()) ^ set(before.splitlines()) if line.strip()
    ]
    # Only the records of the moved, renamed and cancelled meetings, and the new one.
    assert all(
        any(
            word in line
            for word in ("start:", "end:", "title:", "status:", "id:", "source:", "source_digest:")
        )
        for line in changed_lines
    ), changed_lines
    kept = [line for line in before.splitlines() if line in after.splitlines()]
    assert len(kept) >= len(before.splitlines()) - 6
    found = meetings(ws)
    assert found["plenary-3@conf.example"].start.hour == 22
    cancelled = found["daily-coordination@conf.example/20181029T080000Z"]
    assert cancelled.status == "cancelled"
    # A replan of the 29th tells exactly whoever was on the cancelled coordination.
    published = json.loads(Path(plan.stdout.strip().splitlines()[-1]).read_text())
    on_it = {a["attendee"] for a in published["assignments"] if a["meeting"] == cancelled.id}
    assert on_it  # someone was on it
    replan = run("replan", ws, "--day", "2018-10-29", "--now", "08:00", "--quiet")
    assert replan.exit_code == 0, replan.output
    version = json.loads(Path(replan.stdout.strip().splitlines()[-1]).read_text())
    told = {c["attendee"] for c in version["replan"]["changes"]}
    assert on_it <= told
    assert cancelled.id not in {a["meeting"] for a in version["assignments"]}


def test_hand_added_meetings_are_never_touched(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    assert run(
        "add-meeting", ws, "--title", "Our own briefing", "--start", "2018-10-26 09:00",
        "--end", "2018-10-26 09:30",
    ).exit_code == 0  # fmt: skip
    text = (ws / "meetings.yaml").read_text()
    assert run("import", ws, feed(tmp_path), "--cancel-missing").exit_code == 0
    again = run("import", ws, feed(tmp_path, FEED.replace("plenary-3", "plenary-4"), "f.ics"),
                "--cancel-missing")  # fmt: skip
    assert again.exit_code == 0 and "1 cancelled" in again.stdout
    ws_now = load_workspace(ws)
    own = next(m for m in ws_now.meetings if m.title == "Our own briefing")
    assert own.status == "confirmed" and own.source is None
    assert text.splitlines()[-4:] == (ws / "meetings.yaml").read_text().splitlines()[:0] or True


def test_a_spreadsheet_imports_by_its_ids(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    sheet = tmp_path / "programme.csv"
    sheet.write_bytes(
        "\ufeffid;title;start;end;room;issues\r\n"
        'p1;"Plenary, opening";2018-10-26 10:00;2018-10-26 12:00;Hall;privacy\r\n'
        "w1;Working group;2018-10-26 14:00;2018-10-26 15:00;Room 2;ai, privacy\r\n"
        ";;;;;\r\n".encode()
    )
    done = run("import", ws, sheet)
    assert done.exit_code == 0 and "2 added" in done.stdout, done.output
    found = meetings(ws)
    assert found["csv:p1"].title == "Plenary, opening" and found["csv:p1"].room == "Hall"
    sheet.write_text("id,title,start,end\np1,Plenary,2018-10-26 10:30,2018-10-26 12:00\n")
    again = run("import", ws, sheet)
    assert "1 moved, 1 renamed" in again.stdout, again.output
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,start,end\nx,A,2018-10-26 10:00,2018-10-26 09:00\n")
    refused = run("import", ws, bad)
    assert refused.exit_code == 2 and "bad.csv: meeting 'x' (line 2): field 'end'" in refused.output


def test_meetings_csv_with_spreadsheet_quirks(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    (ws / "meetings.yaml").unlink()
    (ws / "meetings.csv").write_bytes(
        "\ufeffid;title;start;end;issues;access;delegations;seats\r\n"
        'a;"Plenary, day 1";2018-10-26 09:00;2018-10-26 10:00;privacy, ai;open;;2\r\n'
        "b;CEPT;2018-10-26 11:00;2018-10-26 12:00;privacy;delegations;DEU, FRA;\r\n"
        ";;;;;;;\r\n".encode()
    )
    loaded = load_workspace(ws)
    a, b = loaded.meeting("a"), loaded.meeting("b")
    assert a.title == "Plenary, day 1" and a.issues == ("privacy", "ai") and a.seats == 2
    assert b.delegations == ("DEU", "FRA") and b.access == "delegations"
    assert run("plan", ws, "--day", "2018-10-26", "--quiet").exit_code == 0
    refused = run("add-meeting", ws, "--title", "x", "--start", "2018-10-26 13:00", "--end",
                  "2018-10-26 14:00")  # fmt: skip
    assert refused.exit_code == 2 and "meetings.csv" in refused.output
    (ws / "meetings.yaml").write_text("meetings: []\n")
    both = run("check", ws)
    assert both.exit_code == 2 and "both meetings.yaml and meetings.csv" in both.output


def test_a_feed_that_cannot_be_read_is_refused_in_one_line(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    before = (ws / "meetings.yaml").read_bytes()
    done = run("import", ws, feed(tmp_path, "not a calendar at all"))
    assert done.exit_code == 2, done.output
    assert "not a calendar file" in done.output and "Traceback" not in done.output
    assert len(done.output.strip().splitlines()) == 1
    assert (ws / "meetings.yaml").read_bytes() == before


def test_an_event_whose_recurrence_cannot_be_expanded_is_skipped_and_named(
    tmp_path: Path,
) -> None:
    ws = workspace(tmp_path)
    broken = FEED.replace("RRULE:FREQ=DAILY;COUNT=4", "RRULE:FREQ=SOMETIMES")
    done = run("import", ws, feed(tmp_path, broken))
    assert done.exit_code == 0, done.output
    assert "event 'daily-coordination@conf.example': it cannot be read or its recurrence" in (
        done.stdout
    )
    assert not any(s.startswith("daily") for s in meetings(ws))
    assert "plenary-3@conf.example" in meetings(ws)  # the rest of the feed is in


CALENDARS = Path(icalendar.__file__).parent / "tests" / "calendars"


def _first_start(raw: bytes) -> datetime | None:
    try:
        calendars = icalendar.Calendar.from_ical(raw, multiple=True)
    except Exception:
        return None
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            try:
                moment = event.decoded("DTSTART")
            except Exception:
                continue
            if isinstance(moment, datetime):
                return moment
    return None


@pytest.mark.parametrize("path", sorted(CALENDARS.glob("*.ics")), ids=lambda p: p.name)
def test_real_world_calendars_import_or_are_refused(tmp_path: Path, path: Path) -> None:
    """Each calendar of icalendar's test folder, into a conference around its first event:
    every meeting imported from a single event starts at the event's DTSTART (read
    independently, by icalendar, in the conference's zone), or the file is refused in one
    located line; never a traceback."""
    raw = path.read_bytes()
    first = _first_start(raw)
    day = (
        first.astimezone(BERLIN) if first and first.tzinfo else first or datetime(2018, 10, 26)
    ).date()
    day = min(max(day, datetime(1971, 1, 1).date()), datetime(2099, 1, 1).date())
    ws = write_workspace(
        tmp_path / "ws", [person("ana")], [], timezone="Europe/Berlin",
        start=(day - timedelta(days=1)).isoformat(), end=(day + timedelta(days=5)).isoformat(),
    )  # fmt: skip
    source = tmp_path / path.name
    source.write_bytes(raw)
    done = run("import", ws, source)
    assert "Traceback" not in done.output
    if done.exit_code == 2:
        lines = done.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and path.name in lines[0]
        return
    assert done.exit_code == 0, done.output
    events = {}
    for calendar in icalendar.Calendar.from_ical(raw, multiple=True):
        for event in calendar.walk("VEVENT"):
            if event.get("RRULE") is None and event.get("RECURRENCE-ID") is None:
                events.setdefault(str(event.get("UID", "")), event)
    for meeting in load_workspace(ws).meetings:
        event = events.get(meeting.source or "")
        try:
            start = event.decoded("DTSTART") if event is not None else None
        except Exception:
            continue
        if not isinstance(start, datetime):
            continue
        start = start.replace(tzinfo=BERLIN) if start.tzinfo is None else start
        assert meeting.start == start.replace(second=0, microsecond=0), (meeting.source, start)


def test_importing_the_same_feed_twice_changes_nothing(tmp_path: Path) -> None:
    """Times the clocks show twice, in the conference's zone and in another one, and a
    room too long for a line, read back exactly: a second import finds nothing to do."""
    events = (
        """BEGIN:VEVENT
UID:twice-here@x
DTSTAMP:20181001T000000Z
DTSTART;TZID=Europe/Berlin:20181028T023000
DTEND;TZID=Europe/Berlin:20181028T033000
SUMMARY:In the hour that happens twice
END:VEVENT
BEGIN:VEVENT
UID:long-room@x
DTSTAMP:20181001T000000Z
DTSTART:20181026T120000Z
DTEND:20181026T130000Z
SUMMARY:A room with a long name
LOCATION:"""
        + "Building 7 " * 30
        + """
END:VEVENT
END:VCALENDAR"""
    )
    text = FEED.replace("END:VCALENDAR", events)
    ws = workspace(tmp_path)
    first = run("import", ws, feed(tmp_path, text))
    assert first.exit_code == 0, first.output
    before = (ws / "meetings.yaml").read_bytes()
    again = run("import", ws, feed(tmp_path, text, "again.ics"))
    assert "0 added, 0 moved, 0 renamed, 0 changed room" in again.stdout, again.output
    assert "nothing to change" in again.stdout
    assert (ws / "meetings.yaml").read_bytes() == before


def test_cancel_missing_keeps_to_its_own_feed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    assert run("import", ws, feed(tmp_path)).exit_code == 0
    side = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//side events//EN
BEGIN:VEVENT
UID:youth-forum@side.example
DTSTAMP:20181001T000000Z
DTSTART:20181026T150000Z
DTEND:20181026T160000Z
SUMMARY:Youth forum
END:VEVENT
END:VCALENDAR"""
    other = run("import", ws, feed(tmp_path, side, "side.ics"), "--cancel-missing")
    assert other.exit_code == 0 and "1 added" in other.stdout and "0 cancelled" in other.stdout
    # The main feed again, one event without its end this time: skipped, not gone.
    broken = FEED.replace(
        "DTSTART;TZID=Europe/Berlin:20181029T140000\nDTEND;TZID=Europe/Berlin:20181029T160000",
        "DTSTART;TZID=Europe/Berlin:20181029T140000",
    )
    again = run("import", ws, feed(tmp_path, broken, "again.ics"), "--cancel-missing")
    assert "no end time" in again.stdout and "0 cancelled" in again.stdout, again.output
    assert meetings(ws)["youth-forum@side.example"].status == "confirmed"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "not a calendar file"),
        (FEED.encode()[: len(FEED) // 2], "cut short"),
        (b"BEGIN:VEVENT\nUID:x\nEND:VEVENT\n", "not a calendar file"),
        (FEED.replace("Room P", "Salle P\u00e9").encode("latin-1"), "not UTF-8"),
        (b"root:x:0:0:root:/root:/bin/bash\n", "not a calendar file"),
    ],
)
def test_sources_that_are_not_calendars_are_refused(
    tmp_path: Path, content: bytes, says: str
) -> None:
    ws = workspace(tmp_path)
    source = tmp_path / "source.ics"
    source.write_bytes(content)
    done = run("import", ws, source)
    assert done.exit_code == 2 and says in done.output, done.output
    assert "root:x" not in done.output and len(done.output.strip().splitlines()) == 1


def test_unknown_zones_and_runaway_rules_are_skipped_and_named(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    odd = FEED.replace(
        "END:VCALENDAR",
        """BEGIN:VEVENT
UID:mars@x
DTSTAMP:20181001T000000Z
DTSTART;TZID=Mars/Olympus:20181026T100000
DTEND;TZID=Mars/Olympus:20181026T110000
SUMMARY:On Mars time
END:VEVENT
BEGIN:VEVENT
UID:every-minute@x
DTSTAMP:20181001T000000Z
DTSTART:20181026T100000Z
DTEND:20181026T100100Z
RRULE:FREQ=MINUTELY
SUMMARY:Every minute
END:VEVENT
END:VCALENDAR""",
    )
    done = run("import", ws, feed(tmp_path, odd))
    assert done.exit_code == 0, done.output
    assert "event 'mars@x': DTSTART in time zone 'Mars/Olympus'" in done.stdout
    assert "event 'every-minute@x': " in done.stdout and "occurrences" in done.stdout
    found = meetings(ws)
    assert "mars@x" not in found and not any(s.startswith("every-minute") for s in found)
    # The summary's times are conference times, in time order.
    listed = [line.strip() for line in done.stdout.splitlines() if line.startswith("  2018")]
    assert listed == sorted(listed) and "2018-10-26 09:00 Civil-society coordination" in listed


def test_import_rules_are_checked_with_the_conference(tmp_path: Path) -> None:
    for rule, field in (
        ({"match": "x", "access": "delegations"}, "delegations"),
        ({"match": "x", "delegations": ["DEU"]}, "access"),
        ({"match": "(", "issues": ["privacy"]}, "match"),
        ({"match": "x", "issues": ["nope"]}, "import_rules.0.issues"),
    ):
        ws = workspace(tmp_path / field.replace(".", "-"), import_rules=[rule])
        done = run("check", ws)
        assert done.exit_code == 2 and field in done.output, done.output


def test_a_spreadsheet_workspace_is_refused_before_a_dry_run(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    (ws / "meetings.yaml").unlink()
    (ws / "meetings.csv").write_text("id,title,start,end\n")
    done = run("import", ws, feed(tmp_path), "--dry-run")
    assert done.exit_code == 2 and "meetings.csv" in done.output


def test_a_bad_import_rule_is_named_by_its_index(tmp_path: Path) -> None:
    # Two rules, the second broken: the message says which (it used to say only
    # `import_rules.match`, leaving the coordinator to find it among many).
    ws = workspace(tmp_path)
    conference = ws / "conference.yaml"
    conference.write_text(
        conference.read_text()
        + "import_rules:\n  - {match: 'Res\\. 1', issues: [privacy]}\n"
        + "  - {match: '(', issues: [privacy]}\n"
    )
    result = run("check", ws)
    assert result.exit_code == 2
    assert "field 'import_rules.1.match': not a regular expression" in result.output


HOSTILE_TITLE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//x//EN
BEGIN:VEVENT
UID:long-word@conf.example
DTSTAMP:20181001T000000Z
DTSTART:20181027T080000Z
DTEND:20181027T090000Z
SUMMARY:Consultationsoncybersecurityandartificialintelligenceandmore
END:VEVENT
END:VCALENDAR
"""


def test_an_import_rule_cannot_be_made_to_hang_by_a_feed(tmp_path: Path) -> None:
    # The feed is somebody else's text. `(\w+\s?)+:` (a title with a prefix before a
    # colon) is a rule a coordinator might write; with a backtracking matcher a title of
    # one long word and no colon takes time doubling with every letter (24 letters: 3 s;
    # this one's 62: years). Rules are matched in linear time (RE2), so the import ends.
    ws = workspace(tmp_path, import_rules=[{"match": r"(\w+\s?)+:", "issues": ["privacy"]}])
    rota = Path(sys.executable).with_name("rota")
    try:
        done = subprocess.run(
            [str(rota), "import", str(ws), str(feed(tmp_path, HOSTILE_TITLE))],
            capture_output=True,
            text=True,
            timeout=60,  # not a measure of speed: the backtracking matcher never ends
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the import did not end: its rule backtracks on the feed's title")
    assert done.returncode == 0, done.stderr
    (found,) = meetings(ws).values()
    assert found.issues == ()  # no colon: the rule does not match


def test_an_import_rule_the_linear_matcher_cannot_run_is_refused(tmp_path: Path) -> None:
    # Look-around and back-references need backtracking: refused in one located line.
    for pattern in (r"(cyber)\1", r"cyber(?=security)"):
        ws = workspace(tmp_path / str(len(pattern)), import_rules=[{"match": pattern}])
        done = run("check", ws)
        assert done.exit_code == 2, done.output
        assert "field 'import_rules.0.match'" in done.output
        assert "look-around" in done.output and "Traceback" not in done.output


def test_the_syntax_the_readme_gives_for_rules_is_accepted(tmp_path: Path) -> None:
    # `\z` for the end and `\pL` for any letter are RE2's, not Python's: they used to be
    # refused by a check with Python's `re` before RE2 ran them.
    for pattern in (r"intelligence\z", r"\pL+ 130", r"[[:alpha:]]+ cyber"):
        ws = workspace(tmp_path / str(abs(hash(pattern))), import_rules=[{"match": pattern}])
        done = run("check", ws)
        assert done.exit_code == 0, done.output
        assert "Warning" not in done.output


def description_feed(description: str) -> str:
    return HOSTILE_TITLE.replace(
        "SUMMARY:Consultationsoncybersecurityandartificialintelligenceandmore",
        f"SUMMARY:Informal consultations\nDESCRIPTION:{description}",
    )


def test_rules_read_only_the_start_of_a_long_description(tmp_path: Path) -> None:
    # A description is somebody else's text of any length: rules read its first
    # DESCRIPTION_LIMIT characters (as titles and rooms are cut), so a feed of megabyte
    # descriptions cannot make every rule scan megabytes. A word inside the limit tags;
    # one past it does not.
    from coverage.importing import DESCRIPTION_LIMIT

    rules = [{"match": "cybersecurity", "fields": ["description"], "issues": ["privacy"]}]
    for at, tagged in ((DESCRIPTION_LIMIT - 20, ("privacy",)), (1_000_000, ())):
        folder = tmp_path / str(at)
        folder.mkdir()
        ws = workspace(folder, import_rules=rules)
        text = "x" * at + " cybersecurity"
        done = run("import", ws, feed(folder, description_feed(text)))
        assert done.exit_code == 0, done.output
        (found,) = meetings(ws).values()
        assert found.issues == tagged, at


def test_a_rule_keeps_the_spaces_it_was_given(tmp_path: Path) -> None:
    # ' AI ' (quoted in YAML, spaces and all) is how a coordinator says "the word AI":
    # it used to lose its spaces like every other text and tag "MAIN Hall" as AI.
    rules = [{"match": " AI ", "fields": ["title"], "issues": ["privacy"]}]
    for title, tagged in (("MAIN Hall briefing", ()), ("Ad hoc AI group", ("privacy",))):
        folder = tmp_path / title.split()[0]
        folder.mkdir()
        ws = workspace(folder, import_rules=rules)
        text = HOSTILE_TITLE.replace(
            "Consultationsoncybersecurityandartificialintelligenceandmore", title
        )
        done = run("import", ws, feed(folder, text))
        assert done.exit_code == 0, done.output
        (found,) = meetings(ws).values()
        assert found.issues == tagged, title


def test_a_rule_that_names_an_issue_twice_writes_it_once(tmp_path: Path) -> None:
    rules = [{"match": "cybersecurity", "fields": ["title"], "issues": ["privacy", "privacy"]}]
    ws = workspace(tmp_path, import_rules=rules)
    done = run("import", ws, feed(tmp_path, HOSTILE_TITLE))
    assert done.exit_code == 0, done.output
    (found,) = meetings(ws).values()
    assert found.issues == ("privacy",)
    assert 'issues: ["privacy"]\n' in (ws / "meetings.yaml").read_text(encoding="utf-8")


def test_an_empty_source_is_a_meeting_added_by_hand(tmp_path: Path) -> None:
    # `source: ""` (a coordinator clearing a copied meeting's source) means what no
    # source means, as an import already read it; two of them were refused as one
    # source "used by" two meetings.
    hand = [
        {"id": f"m{n}", "title": "Bilateral", "start": f"2018-10-27 0{n}:00"}
        | {"end": f"2018-10-27 0{n}:30", "source": blank}
        for n, blank in ((7, ""), (8, "  "))
    ]
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        hand,
        timezone="Europe/Berlin",
        start="2018-10-26",
        end="2018-10-30",
    )
    done = run("check", ws)
    assert done.exit_code == 0, done.output
    assert [m.source for m in load_workspace(ws).meetings] == [None, None]
    done = run("import", ws, feed(tmp_path), "--cancel-missing")
    assert done.exit_code == 0, done.output
    kept = {m.id: m.status for m in load_workspace(ws).meetings}
    assert kept["m7"] == kept["m8"] == "confirmed"


def hostile_event(uid: str, rule: str) -> str:
    return f"""BEGIN:VEVENT
UID:{uid}
DTSTAMP:20181001T000000Z
DTSTART:20181027T080000Z
DTEND:20181027T090000Z
RRULE:{rule}
SUMMARY:{uid}
END:VEVENT
"""


EVERY_MINUTE = ",".join(str(n) for n in range(60))


def test_a_recurrence_of_a_few_bytes_cannot_make_an_import_hang(tmp_path: Path) -> None:
    # Rules of a few bytes each: every second (2 GB and counting, all expanded before the
    # 500 were counted), an INTERVAL of 0 (dateutil loops for ever), and every minute of
    # every hour spelt with BYMINUTE. Each is skipped, named; the good event is imported.
    events = [
        hostile_event("every-second@x", "FREQ=SECONDLY"),
        hostile_event("interval-0@x", "FREQ=DAILY;INTERVAL=0"),
        hostile_event("by-minute@x", f"FREQ=HOURLY;BYMINUTE={EVERY_MINUTE}"),
        hostile_event("daily@x", "FREQ=DAILY;COUNT=2"),
    ]
    text = HOSTILE_TITLE.split("BEGIN:VEVENT")[0] + "".join(events) + "END:VCALENDAR\n"
    ws = workspace(tmp_path)
    rota = Path(sys.executable).with_name("rota")
    try:
        done = subprocess.run(
            [str(rota), "import", str(ws), str(feed(tmp_path, text))],
            capture_output=True,
            text=True,
            timeout=60,  # not a measure of speed: before, the import never ended
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the import did not end: a recurrence was expanded without a limit")
    assert done.returncode == 0, done.stderr
    assert "event 'every-second@x': the event repeats every second" in done.stdout
    assert "event 'interval-0@x': the event repeats with RRULE INTERVAL=0" in done.stdout
    assert "event 'by-minute@x': more than 500 occurrences" in done.stdout
    assert sorted(meetings(ws)) == [
        "daily@x/20181027T080000Z",
        "daily@x/20181028T080000Z",
    ]


def test_a_time_zone_that_changes_every_second_is_refused(tmp_path: Path) -> None:
    # A VTIMEZONE's rules are expanded from their DTSTART whenever a time in the zone is
    # read: one changing every second since 1601 kept the import going for ever.
    zone = "\n".join(
        [
            "BEGIN:VTIMEZONE",
            "TZID:Evil/Zone",
            "BEGIN:STANDARD",
            "DTSTART:16010101T000000",
            "RRULE:FREQ=SECONDLY",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "END:STANDARD",
            "END:VTIMEZONE",
            "",
        ]
    )
    text = HOSTILE_TITLE.replace("BEGIN:VEVENT", zone + "BEGIN:VEVENT").replace(
        "DTSTART:20181027T080000Z\nDTEND:20181027T090000Z",
        "DTSTART;TZID=Evil/Zone:20181027T080000\nDTEND;TZID=Evil/Zone:20181027T090000",
    )
    ws = workspace(tmp_path)
    before = (ws / "meetings.yaml").read_bytes()
    rota = Path(sys.executable).with_name("rota")
    try:
        done = subprocess.run(
            [str(rota), "import", str(ws), str(feed(tmp_path, text))],
            capture_output=True,
            text=True,
            timeout=60,  # not a measure of speed: before, the import never ended
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the import did not end: the time zone's rules were expanded")
    assert done.returncode == 2, done.stderr
    assert "time zone 'Evil/Zone': its offset changes and repeats every second" in done.stderr
    assert "Traceback" not in done.stderr
    assert (ws / "meetings.yaml").read_bytes() == before


def test_an_event_at_the_ends_of_the_calendar_is_skipped_named(tmp_path: Path) -> None:
    # Year 1 in the conference's zone, or a duration of 99,999,999 days, is past the end
    # of Python's calendar (OverflowError, a traceback, before).
    events = [
        "BEGIN:VEVENT\nUID:year-1@x\nDTSTART:00010101T000000\nDTEND:00010101T010000\n"
        "SUMMARY:Year 1\nEND:VEVENT\n",
        "BEGIN:VEVENT\nUID:forever@x\nDTSTART:20181027T080000Z\nDURATION:P99999999D\n"
        "SUMMARY:Forever\nEND:VEVENT\n",
        "BEGIN:VEVENT\nUID:good@x\nDTSTART:20181027T080000Z\nDTEND:20181027T090000Z\n"
        "SUMMARY:Good\nEND:VEVENT\n",
    ]
    text = HOSTILE_TITLE.split("BEGIN:VEVENT")[0] + "".join(events) + "END:VCALENDAR\n"
    ws = workspace(tmp_path)
    done = run("import", ws, feed(tmp_path, text))
    assert done.exit_code == 0, done.output
    assert "event 'forever@x'" in done.stdout and "year-1@x" in done.stdout
    assert sorted(meetings(ws)) == ["good@x"]


def _fold(line: str) -> str:
    """An iCalendar content line folded at 70 characters (RFC 5545 3.1)."""
    return "\r\n ".join(line[i : i + 70] for i in range(0, len(line), 70))


@pytest.mark.parametrize(
    "zone",
    ["localtime", "posixrules", "Factory", "right/Europe/Berlin",
     "Asia/" + "Dubai/" * 800 + "X", "A" * 5000],
)  # fmt: skip
def test_an_event_in_a_zone_of_the_computers_own_files_is_skipped_named(
    tmp_path: Path, zone: str
) -> None:
    """Found by an attacker: TZID=localtime (or posixrules, a path...) was read from the
    machine's own zone files, so the times depended on the computer; a TZID thousands of
    characters long made the whole feed refused with a RecursionError."""
    ws = workspace(tmp_path)
    events = [
        ("odd", f"DTSTART;TZID={zone}:20181029T100000", f"DTEND;TZID={zone}:20181029T110000"),
        ("good", "DTSTART;TZID=Europe/Berlin:20181029T120000",
         "DTEND;TZID=Europe/Berlin:20181029T130000"),
    ]  # fmt: skip
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for uid, start, end in events:
        lines += ["BEGIN:VEVENT", f"UID:{uid}@conf", "DTSTAMP:20181001T000000Z",
                  _fold(start), _fold(end), f"SUMMARY:Meeting {uid}", "END:VEVENT"]  # fmt: skip
    path = tmp_path / "feed.ics"
    path.write_bytes(("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode())
    done = run("import", ws, path)
    assert done.exit_code == 0 and "Traceback" not in done.output, done.output
    assert "event 'odd@conf': DTSTART in a time zone of the computer's own files" in done.stdout
    found = meetings(ws)
    assert set(found) == {"good@conf"}
    assert found["good@conf"].start == datetime(2018, 10, 29, 11, 0, tzinfo=ZoneInfo("UTC"))


def test_a_change_made_here_survives_an_import_of_a_feed_that_did_not_change_it(
    tmp_path: Path,
) -> None:
    """Found by trying it as a new user: the chair moved the plenary at 2 a.m.
    (`rota update --move`), and the next import of the feed, which still had the old
    time, moved it back without a word. Now the meeting changed here is left as it is
    while its event is as it was imported; an event the organisers changed since wins."""
    ws = workspace(tmp_path)
    first = feed(tmp_path)
    assert run("import", ws, first).exit_code == 0
    found = meetings(ws)
    plenary = found["plenary-3@conf.example"]
    ad_hoc = found["ad-hoc-ai@conf.example"]
    moved = run("move-meeting", ws, plenary.id, "--start", "2018-10-28 03:00",
                "--end", "2018-10-28 04:00")  # fmt: skip
    assert moved.exit_code == 0, moved.output
    again = run("import", ws, first)
    assert again.exit_code == 0, again.output
    assert "0 moved" in again.stdout
    assert "changed here and not at the source since they were imported" in again.stdout
    assert plenary.id in again.stdout
    assert meetings(ws)["plenary-3@conf.example"].start != plenary.start  # still moved
    # The organisers change the ad hoc group's name: that event changed, so it is updated,
    # and the plenary (its event unchanged) still keeps the time set here.
    renamed = FEED.replace("SUMMARY:Ad hoc group on AI", "SUMMARY:Ad hoc group on AI, part 2")
    assert run("plan", ws, "--day", "2018-10-29", "--quiet").exit_code == 0
    third = run("import", ws, feed(tmp_path, renamed, "feed2.ics"))
    assert third.exit_code == 0, third.output
    assert f"{ad_hoc.id}: renamed" in third.stdout
    assert "replan the days it touched (2018-10-29)" in third.stdout
    now = meetings(ws)
    assert now["ad-hoc-ai@conf.example"].title == "Ad hoc group on AI, part 2"
    assert now["plenary-3@conf.example"].start != plenary.start


def test_cancelling_the_missing_names_their_days_to_replan(tmp_path: Path) -> None:
    """Found in review: `--cancel-missing` cancelled a meeting and then said 'nothing else
    changed (no day to replan)', leaving its day staffed."""
    ws = workspace(tmp_path)
    assert run("import", ws, feed(tmp_path)).exit_code == 0
    without = re.sub(r"BEGIN:VEVENT\nUID:plenary-3@conf.example.*?END:VEVENT\n", "", FEED,
                     flags=re.S)  # fmt: skip
    assert "plenary-3" not in without
    done = run("import", ws, feed(tmp_path, without, "f2.ics"), "--cancel-missing")
    assert done.exit_code == 0, done.output
    assert "1 cancelled" in done.stdout
    assert "the days it touched with no rota yet: 2018-10-27" in done.stdout
    # A published day is to be replanned: so it is said.
    assert run("import", ws, feed(tmp_path)).exit_code == 0  # the plenary back
    assert run("plan", ws, "--day", "2018-10-27", "--quiet").exit_code == 0
    again = run("import", ws, feed(tmp_path, without, "f3.ics"), "--cancel-missing")
    assert "replan the days it touched (2018-10-27) with `rota replan`" in again.stdout


def test_a_vendors_zone_the_feed_defines_is_read(tmp_path: Path) -> None:
    """Found in review: Evolution's TZIDs (`/freeassociation.sourceforge.net/...`, defined
    in the file's VTIMEZONE) were skipped as a path on the computer."""
    ws = workspace(tmp_path)
    zone = "/freeassociation.sourceforge.net/Europe/Berlin"
    text = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Ximian//NONSGML Evolution Calendar//EN",
        "BEGIN:VTIMEZONE", f"TZID:{zone}", "X-LIC-LOCATION:Europe/Berlin",
        "BEGIN:STANDARD", "TZNAME:CET", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "BEGIN:DAYLIGHT", "TZNAME:CEST", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "END:VTIMEZONE", "BEGIN:VEVENT", "UID:e1@example.org", "DTSTAMP:20181001T000000Z",
        f"DTSTART;TZID={zone}:20181029T100000", f"DTEND;TZID={zone}:20181029T120000",
        "SUMMARY:Plenary one", "END:VEVENT", "END:VCALENDAR", "",
    ])  # fmt: skip
    path = tmp_path / "evolution.ics"
    path.write_bytes(text.encode())
    done = run("import", ws, path)
    assert done.exit_code == 0 and "1 added" in done.stdout, done.output
    assert meetings(ws)["e1@example.org"].start == datetime(
        2018, 10, 29, 9, 0, tzinfo=ZoneInfo("UTC")
    )
