"""`rota ical`: the calendars, read back with an independent parser (vobject, not the
icalendar library that writes them)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import vobject
from click.testing import CliRunner
from workspaces import meeting, person, write_workspace

from coverage.cli import main
from coverage.export.ical import build_calendars
from coverage.io import load_workspace
from coverage.published import PublishedRota

DAY = "2018-11-05"


def domain(root: Path) -> str:
    """The domain of the UIDs: the workspace's identity, as every rota.json records it."""
    return str(json.loads(next(root.rglob("rota.json")).read_text())["workspace_id"])


def rota(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def last_path(output: str) -> Path:
    return Path(output.strip().splitlines()[-1])


def contacts(id: str) -> dict[str, str]:
    return {"email": f"{id}@example.org", "phone": f"+971 50 000 {len(id):04d}"}


def small(tmp_path: Path, **conference: Any) -> Path:
    """Ana (privacy lead) and Ben, with contact details; three meetings on the 5th."""
    return write_workspace(
        tmp_path / "ws",
        [
            person("ana", leads=["privacy"], **contacts("ana")),
            person("ben", **contacts("ben")),
        ],
        [
            meeting("morning", "09:00", "10:00", priority=2, room="Room A, level 2"),
            meeting("noon", "12:00", "13:00", room="Room B"),
            meeting("evening", "18:00", "19:00", issues=["ai"], room="Room C"),
        ],
        **conference,
    )


def plan(ws: Path, out: Path) -> dict[str, Any]:
    path = last_path(rota("plan", str(ws), "--day", DAY, "--out", str(out), "--quiet"))
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def ical(ws: Path, out: Path, *options: str) -> Path:
    return last_path(rota("ical", str(ws), "--out", str(out), *options))


def read(path: Path) -> Any:
    """The calendar in `path`, parsed by vobject."""
    text = path.read_bytes().decode("utf-8")
    assert "\r\n" in text and all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    return vobject.readOne(text)


def events(path: Path) -> dict[str, Any]:
    """The events of a calendar by UID (each UID once)."""
    found = list(read(path).contents.get("vevent", []))
    by_uid = {e.uid.value: e for e in found}
    assert len(by_uid) == len(found), "a UID appears twice"
    return by_uid


def utc(event: Any, name: str) -> datetime:
    value = getattr(event, name).value
    assert isinstance(value, datetime) and value.tzinfo is not None
    return value.astimezone(UTC)


def iso_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize("timezone", ["Asia/Dubai", "America/Sao_Paulo"])
def test_each_assignment_is_one_event_at_the_rotas_times(tmp_path: Path, timezone: str) -> None:
    ws, out = small(tmp_path, timezone=timezone), tmp_path / "out"
    data = plan(ws, out)
    folder = ical(ws, out)
    assert folder == out / f"v001-{DAY}" / "ical"
    assert sorted(p.name for p in folder.iterdir()) == [
        "issue-ai.ics",
        "issue-privacy.ics",
        "person-ana.ics",
        "person-ben.ics",
        "team.ics",
    ]
    assert data["assignments"]
    for who in ("ana", "ben"):
        calendar = read(folder / f"person-{who}.ics")
        assert calendar.version.value == "2.0" and calendar.method.value == "PUBLISH"
        assert calendar.prodid.value
        mine = [a for a in data["assignments"] if a["attendee"] == who]
        found = events(folder / f"person-{who}.ics")
        assert set(found) == {f"{a['meeting']}.{who}@{domain(tmp_path)}.rota" for a in mine}
        titles = {m["id"]: m for m in data["meetings"]}
        for assignment in mine:
            event = found[f"{assignment['meeting']}.{who}@{domain(tmp_path)}.rota"]
            assert utc(event, "dtstart") == iso_utc(assignment["start"])
            assert utc(event, "dtend") == iso_utc(assignment["end"])
            assert event.dtstamp.value.tzinfo is not None
            assert event.sequence.value == "0" and event.status.value == "CONFIRMED"
            the_meeting = titles[assignment["meeting"]]
            assert event.summary.value == the_meeting["title"]
            assert event.location.value == the_meeting["room"]
            issue_names = {"privacy": "Privacy", "ai": "AI"}
            assert event.categories.value == [issue_names[i] for i in the_meeting["issues"]]
            if "privacy" in the_meeting["issues"] and who == "ben":
                assert "Report to: Ana (lead, Privacy)" in event.description.value
    team = events(folder / "team.ics")
    covered = [m for m in data["meetings"] if m["status"] == "covered"]
    assert set(team) == {f"{m['id']}@team.{domain(tmp_path)}.rota" for m in covered}
    for m in covered:
        event = team[f"{m['id']}@team.{domain(tmp_path)}.rota"]
        assert utc(event, "dtstart") == iso_utc(m["start"])
        assert utc(event, "dtend") == iso_utc(m["end"])
        names = ", ".join(a.title() for a in m["attendees"])
        assert f"Covered by: {names}" in event.description.value


def replanned(tmp_path: Path) -> tuple[Path, Path, dict[str, Any], dict[str, Any], Path, Path]:
    """Plan the 5th and write its calendars; then whoever covers noon becomes unavailable
    and the evening meeting moves, and the day is replanned and the calendars written again."""
    ws, out = small(tmp_path), tmp_path / "out"
    first = plan(ws, out)
    before = ical(ws, out)
    noon = next(a["attendee"] for a in first["assignments"] if a["meeting"] == "noon")
    rota("unavailable", str(ws), noon, "--from", f"{DAY} 11:30", "--to", f"{DAY} 13:30")
    rota("move-meeting", str(ws), "evening", "--start", f"{DAY} 20:00", "--end", f"{DAY} 21:00")
    output = rota("replan", str(ws), "--day", DAY, "--now", "10:30", "--out", str(out), "--quiet")
    second = json.loads(last_path(output).read_text())
    after = ical(ws, out)
    return ws, out, first, second, before, after


def test_a_replan_raises_sequence_and_cancels_what_it_removed(tmp_path: Path) -> None:
    _ws, _out, first, second, before, after = replanned(tmp_path)
    assert after == before.parent.parent / f"v002-{DAY}" / "ical"
    pairs = {(a["meeting"], a["attendee"]) for a in first["assignments"]}
    now = {(a["meeting"], a["attendee"]): a for a in second["assignments"]}
    noon = next(a for m, a in pairs if m == "noon")
    assert ("noon", noon) not in now  # the replan removed it
    evening = next(a for m, a in now if m == "evening")
    assert ("evening", evening) in pairs  # kept, at the new time
    for who in ("ana", "ben"):
        old = events(before / f"person-{who}.ics")
        new = events(after / f"person-{who}.ics")
        assert set(old) <= set(new), "an event disappeared instead of being cancelled"
        for uid, event in new.items():
            meeting_id = uid.split("@")[0].removesuffix(f".{who}")
            sequence = int(event.sequence.value)
            if (meeting_id, who) in now:
                assignment = now[(meeting_id, who)]
                assert event.status.value == "CONFIRMED"
                assert utc(event, "dtstart") == iso_utc(assignment["start"])
                assert utc(event, "dtend") == iso_utc(assignment["end"])
                if (meeting_id, who) in pairs and meeting_id == "evening":
                    assert sequence == int(old[uid].sequence.value) + 1  # moved
                    assert utc(event, "dtstart") != utc(old[uid], "dtstart")
                elif (meeting_id, who) in pairs:
                    assert event.serialize() == old[uid].serialize()  # untouched
            else:
                assert (meeting_id, who) in pairs
                assert event.status.value == "CANCELLED"
                assert sequence == int(old[uid].sequence.value) + 1
                assert utc(event, "dtstart") == utc(old[uid], "dtstart")
                assert event.dtstamp.value >= old[uid].dtstamp.value  # published to the second
    cancelled = events(after / f"person-{noon}.ics")[f"noon.{noon}@{domain(tmp_path)}.rota"]
    assert "you are not available then" in cancelled.description.value
    assert events(after / f"person-{evening}.ics")[f"evening.{evening}@{domain(tmp_path)}.rota"]
    team = events(after / "team.ics")
    assert int(team[f"evening@team.{domain(tmp_path)}.rota"].sequence.value) == 1


def test_uids_stay_the_same_across_versions(tmp_path: Path) -> None:
    _ws, _out, first, second, before, after = replanned(tmp_path)
    for a in first["assignments"]:
        uid = f"{a['meeting']}.{a['attendee']}@{domain(tmp_path)}.rota"
        assert uid in events(before / f"person-{a['attendee']}.ics")
        assert uid in events(after / f"person-{a['attendee']}.ics")
    for a in second["assignments"]:
        assert f"{a['meeting']}.{a['attendee']}@{domain(tmp_path)}.rota" in events(
            after / f"person-{a['attendee']}.ics"
        )


def test_sequence_history_over_many_versions(tmp_path: Path) -> None:
    """Removed, still removed, back again: cancelled once, then restored with a new
    SEQUENCE; DTSTAMP is when the event last changed."""
    ws_path, out = small(tmp_path), tmp_path / "out"
    v1 = plan(ws_path, out)
    ws = load_workspace(ws_path)
    pick = v1["assignments"][0]
    uid = f"{pick['meeting']}.{pick['attendee']}@{domain(tmp_path)}.rota"

    def version(number: int, keep: bool) -> PublishedRota:
        data = copy.deepcopy(v1)
        if not keep:
            data["assignments"] = [a for a in data["assignments"] if a != pick]
            for meeting in data["meetings"]:
                if meeting["id"] == pick["meeting"]:
                    meeting["attendees"].remove(pick["attendee"])
        data["run"] = {
            "version": number,
            "reason": "plan",
            "created_at": f"2018-11-0{number}T10:00:00+00:00",
        }
        return PublishedRota.model_validate(data)

    history = [version(1, True), version(2, False), version(3, False), version(4, True)]
    expected = [("0", "CONFIRMED", 1), ("1", "CANCELLED", 2), ("1", "CANCELLED", 2)]
    expected.append(("2", "CONFIRMED", 4))
    for upto, (sequence, status, changed) in enumerate(expected, start=1):
        calendars = build_calendars(ws, history[:upto], [date(2018, 11, 5)])
        text = calendars.people[pick["attendee"]].to_ical().decode()
        event = {e.uid.value: e for e in vobject.readOne(text).vevent_list}[uid]
        assert (event.sequence.value, event.status.value) == (sequence, status)
        assert event.dtstamp.value == datetime(2018, 11, changed, 10, tzinfo=UTC)


def test_contacts_stay_private_by_default(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    plan(ws, out)
    folder = ical(ws, out)
    secrets = [v for who in ("ana", "ben") for v in contacts(who).values()]
    shared = [folder / "team.ics", folder / "issue-privacy.ics", folder / "issue-ai.ics"]
    shared = [path for path in shared if path.exists()]
    for path in [*shared, folder / "person-ana.ics", folder / "person-ben.ics"]:
        text = read(path).serialize()
        assert not any(secret in text for secret in secrets), path.name
        assert "ATTENDEE" not in text and "ORGANIZER" not in text
    assert "Ana" in (folder / "issue-privacy.ics").read_text()  # names are there

    private = tmp_path / "private"
    folder = ical(ws, out, "--include-contacts", "--into", str(private))
    assert folder == private
    for path in [folder / "team.ics", folder / "issue-privacy.ics"]:
        text = read(path).serialize()
        assert "ana@example.org" in text.replace("\r\n ", "")
    lead = events(folder / "issue-privacy.ics")
    assert any(
        "Ana (ana@example.org, +971 50 000 0003)" in e.description.value for e in lead.values()
    )


def test_awkward_titles_survive_a_round_trip(tmp_path: Path) -> None:
    titles = {
        "punct": 'Res. 102, 130; "PP-18" \\ draft: §3, a;b,c',
        "tabs": "Informal on Res. 206 -- second part; third, with punctuation",
        "zh": "关于互联网公共政策问题的非正式磋商（第二轮）",
        # A typed `\N` is text, not a line break (icalendar's own escaping made it one).
        "slash": "C:\\Notes\\new \\N and \\n; \\, end",
        "ar": "مشاورات غير رسمية بشأن القرار 130 - الأمن السيبراني",
        "long": (
            "Ad hoc group on Resolution 101 (Rev. Dubai, 2018), Internet Protocol-based "
            "networks; 中文, العربية — "
        )
        * 6
        + "x" * 20,
    }
    titles["long"] = titles["long"][:500]
    assert len(titles["long"]) == 500
    people = [person(p, **contacts(p)) for p in ("ana", "ben", "cai", "dua", "eve", "fay")]
    slots = ["09:00", "10:30", "12:00", "13:30", "15:00", "16:30"]
    meetings = [
        meeting(
            key,
            slots[n],
            f"{int(slots[n][:2]) + 1:02d}{slots[n][2:]}",
            title=title,
            room=f"Salle {n}, niveau 1; 会议室 \\N{n}",
            seats=6,
        )
        for n, (key, title) in enumerate(titles.items())
    ]
    ws = write_workspace(tmp_path / "ws", people, meetings)
    out = tmp_path / "out"
    data = plan(ws, out)
    folder = ical(ws, out)
    covered = {(a["meeting"], a["attendee"]) for a in data["assignments"]}
    assert {m for m, _ in covered} == set(titles)
    rooms = {m["id"]: m["room"] for m in data["meetings"]}
    for meeting_id, who in covered:
        event = events(folder / f"person-{who}.ics")[f"{meeting_id}.{who}@{domain(tmp_path)}.rota"]
        assert event.summary.value == titles[meeting_id]
        assert event.location.value == rooms[meeting_id]
    for meeting_id, title in titles.items():
        event = events(folder / "team.ics")[f"{meeting_id}@team.{domain(tmp_path)}.rota"]
        assert event.summary.value.startswith(title + " (")
        issue = events(folder / "issue-privacy.ics")[
            f"{meeting_id}@issue-privacy.{domain(tmp_path)}.rota"
        ]
        assert issue.summary.value.startswith(title)


def test_uncovered_meetings_are_marked_in_the_issue_calendar(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [meeting("one", "09:00", "10:00"), meeting("two", "09:30", "10:30", title="Clash")],
    )
    out = tmp_path / "out"
    data = plan(ws, out)
    (uncovered,) = [m for m in data["meetings"] if m["status"] == "uncovered"]
    folder = ical(ws, out)
    issue = events(folder / "issue-privacy.ics")
    assert len(issue) == 2
    event = issue[f"{uncovered['id']}@issue-privacy.{domain(tmp_path)}.rota"]
    assert event.summary.value == f"UNCOVERED: {uncovered['title']}"
    assert "everyone who could go is at another meeting" in event.description.value
    assert f"{uncovered['id']}@team.{domain(tmp_path)}.rota" not in events(folder / "team.ics")
    assert not (folder / "issue-ai.ics").exists()  # no event: no file


def test_regenerating_gives_identical_files_and_keeps_the_rota(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    plan(ws, out)
    version = out / f"v001-{DAY}"
    published = {p.name: p.read_bytes() for p in version.iterdir() if p.is_file()}
    folder = ical(ws, out, "--alarm", "15")
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert ical(ws, out, "--alarm", "15", "--day", DAY) == folder
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == first
    assert {p.name: p.read_bytes() for p in version.iterdir() if p.is_file()} == published
    for event in events(folder / "person-ana.ics").values():
        (alarm,) = event.valarm_list
        assert alarm.trigger.value == timedelta(minutes=-15)
    assert "VALARM" not in (folder / "team.ics").read_text()


def test_several_days_go_to_the_newest_version_of_the_last_day(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    rota("add-meeting", str(ws), "--title", "Day two", "--start", "2018-11-06 09:00",
         "--end", "2018-11-06 10:00", "--issues", "privacy", "--id", "d2")  # fmt: skip
    plan(ws, out)
    rota("plan", str(ws), "--day", "2018-11-06", "--out", str(out), "--quiet")
    folder = ical(ws, out, "--from", DAY, "--to", "2018-11-06")
    assert folder == out / "v001-2018-11-06" / "ical"  # versions are numbered per day
    assert f"d2@team.{domain(tmp_path)}.rota" in events(folder / "team.ics")
    assert f"morning@team.{domain(tmp_path)}.rota" in events(folder / "team.ics")
    assert ical(ws, out) == folder  # default: every published day


def test_without_a_published_rota_it_fails_cleanly(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    result = CliRunner().invoke(main, ["ical", str(ws), "--out", str(out)])
    assert result.exit_code == 2 and "no published rota" in result.output
    plan(ws, out)
    result = CliRunner().invoke(main, ["ical", str(ws), "--out", str(out), "--day", "2018-11-06"])
    assert result.exit_code == 2 and "no published rota for 2018-11-06" in result.output
    assert not (out / f"v001-{DAY}" / "ical").exists()


def test_who_may_attend_is_said_in_words(tmp_path: Path) -> None:
    """Found by trying it as a new user: the events said 'Access: member_states'."""
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", delegation="BRA"), person("ben", delegation="KEN")],
        [meeting("ms", "09:00", "10:00", access="member_states"),
         meeting("dl", "11:00", "12:00", access="delegations", delegations=["BRA", "KEN"]),
         meeting("op", "13:00", "14:00")],
    )  # fmt: skip
    out = tmp_path / "out"
    plan(ws, out)
    team = events(ical(ws, out) / "team.ics")
    said = {uid.split("@")[0]: e.description.value for uid, e in team.items()}
    assert "Access: member states only" in said["ms"]
    assert "Access: listed delegations only (BRA, KEN)" in said["dl"]
    assert "Access: open" in said["op"]
    assert not any("member_states" in text for text in said.values())


def test_a_meeting_moved_to_a_day_planned_since_stays_in_the_calendars(tmp_path: Path) -> None:
    """Found by trying it as a new user: a meeting moved from a day with several versions
    to the next day showed only as CANCELLED at its old time: the versions were read by
    their number per day (v1 of the 5th, v1 of the 6th, v2 of the 5th, ...), not in the
    order they were published, so the old day's later versions undid the new day's."""
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana"), person("ben")],
        [meeting("a", "09:00", "10:00"), meeting("m", "18:00", "19:00", title="Drafting")],
    )
    rota("plan", str(ws), "--day", DAY, "--quiet")
    rota("replan", str(ws), "--day", DAY, "--now", "08:00")  # v2 of the 5th, m still on it
    rota("update", str(ws), "--move", "m", "--start", "2018-11-06 11:00", "--end",
         "2018-11-06 12:00", "--now", "08:30")  # fmt: skip
    rota("plan", str(ws), "--day", "2018-11-06", "--quiet")  # v1 of the 6th, m on it
    folder = last_path(rota("ical", str(ws)))
    team = events(folder / "team.ics")
    moved = team[f"m@team.{domain(tmp_path)}.rota"]
    assert moved.status.value == "CONFIRMED"
    assert utc(moved, "dtstart") == datetime(2018, 11, 6, 11, 0, tzinfo=UTC) - timedelta(hours=4)
    who = next(p for p in ("ana", "ben") if f"m.{p}@{domain(tmp_path)}.rota" in events(
        folder / f"person-{p}.ics"))  # fmt: skip
    mine = events(folder / f"person-{who}.ics")[f"m.{who}@{domain(tmp_path)}.rota"]
    assert mine.status.value == "CONFIRMED" and "2018-11-06" in str(mine.dtstart.value)


def test_a_cancelled_event_says_nothing_of_who_was_there(tmp_path: Path) -> None:
    """Found by trying it as a new user: a dropped event read 'No longer on your rota:
    Ben is pinned to it' and then 'Nobody else from the group is there.'; the team's
    cancelled event still said 'Covered by: ...'."""
    ws = write_workspace(
        tmp_path / "ws", [person("ana"), person("ben")], [meeting("a", "15:00", "16:00")]
    )
    rota("plan", str(ws), "--day", DAY, "--quiet")
    rota("cancel-meeting", str(ws), "a")
    rota("replan", str(ws), "--day", DAY, "--now", "08:00")
    folder = last_path(rota("ical", str(ws)))
    for path in folder.glob("*.ics"):
        for event in events(path).values():
            if event.status.value != "CANCELLED":
                continue
            text = event.description.value
            assert "Nobody else" not in text and "Covered by" not in text
            assert "With you" not in text
