"""Editing commands (add-meeting, cancel-meeting, move-meeting, unavailable): the record
changes as asked and nothing else in the file does; bad input gives exit code 2, one
located message per problem, and leaves the workspace byte for byte as it was."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from workspaces import write_workspace

from coverage.cli import main
from coverage.edit import NewMeeting, add_meetings, derive_meeting_id, time_text
from coverage.errors import WorkspaceError
from coverage.io import load_workspace

TINY = Path(__file__).parent / "data" / "tiny"

MEETINGS = """\
# Meetings of the test conference. Times are local (Asia/Dubai).
meetings:

  # Monday 5 November
  - id: m1
    title: "Plenary, Res. 102"
    kind: plenary
    start: "2018-11-05 09:00"
    end: "2018-11-05 11:00"
    room: "Plenary Hall"
    issues: [privacy]
    priority: 3  # the one that matters
  - id: m2
    title: "Ad hoc group on AI"
    kind: ad_hoc
    start: "2018-11-05 10:00"
    end: "2018-11-05 12:00"
    issues: [ai]
    access: member_states

  # Tuesday 6 November
  - id: m3
    title: 'Informal: privacy & AI'
    start: 2018-11-06 14:00
    end: 2018-11-06 16:00
    issues: [privacy, ai]
"""

ATTENDEES = """\
# The group (fictional people).
attendees:
  - id: ana
    name: "Ana"
    delegation: BRA
    expertise: {privacy: 3, ai: 1}
    leads: [privacy]
    unavailable:
      - {start: "2018-11-06 08:00", end: "2018-11-06 12:00"}

  # volunteers
  - id: ben
    name: Ben
    delegation: null
    expertise: {ai: 2}
  - id: cy
    name: Cy
    delegation: ~
    expertise:
      privacy: 2
      ai: 2
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A valid workspace whose meetings and attendees carry comments, blank lines and
    mixed quoting, as people write them by hand."""
    folder = write_workspace(tmp_path / "ws", [], [])
    (folder / "meetings.yaml").write_text(MEETINGS, encoding="utf-8")
    (folder / "attendees.yaml").write_text(ATTENDEES, encoding="utf-8")
    load_workspace(folder)
    return folder


def _run(args: list[str | Path]) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _refused(result: Result, file: str, *located: str) -> list[str]:
    """Exit code 2, and every message an `error:` line; one of them names `file` (a path
    ending with it) and each of `located` (record, field)."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert lines
    assert all(line.startswith("error: ") for line in lines), lines
    matching = [
        line for line in lines if f"{file}:" in line and all(text in line for text in located)
    ]
    assert matching, lines
    return lines


def _meetings(folder: Path) -> dict[str, dict[str, object]]:
    data = yaml.safe_load((folder / "meetings.yaml").read_text(encoding="utf-8"))
    return {str(m["id"]): m for m in data["meetings"]}


# --- add-meeting --------------------------------------------------------------------------


def test_add_meeting_appends_a_record_like_the_others(ws: Path) -> None:
    before = (ws / "meetings.yaml").read_text(encoding="utf-8")
    out = _ok(
        _run(
            [
                "add-meeting",
                ws,
                "--title",
                "Informal on Res. 206",
                "--start",
                "2018-11-06 17:00",
                "--end",
                "2018-11-06 18:30",
                "--issues",
                "privacy,ai",
                "--room",
                "Room D1",
                "--kind",
                "informal",
                "--priority",
                "2",
            ]
        )
    )
    assert out == "added meeting 2018-11-06-informal-on-res-206 (17:00-18:30, Room D1)\n"
    after = (ws / "meetings.yaml").read_text(encoding="utf-8")
    assert after.startswith(before)  # every comment and record before it, byte for byte
    added = after[len(before) :]
    assert added == (
        "  - id: 2018-11-06-informal-on-res-206\n"
        "    title: 'Informal on Res. 206'\n"
        "    kind: informal\n"
        '    start: "2018-11-06 17:00"\n'
        '    end: "2018-11-06 18:30"\n'
        "    room: Room D1\n"
        "    issues: [privacy, ai]\n"
        "    priority: 2\n"
    )
    meeting = load_workspace(ws).meeting("2018-11-06-informal-on-res-206")
    assert meeting.issues == ("privacy", "ai")
    assert meeting.kind == "informal"
    assert meeting.priority == 2


def test_add_meeting_writes_an_issue_named_twice_once(ws: Path) -> None:
    args = ["add-meeting", ws, "--title", "Informal", "--start", "2018-11-06 17:00"]
    _ok(_run([*args, "--end", "2018-11-06 18:00", "--issues", "privacy,ai,privacy"]))
    written = (ws / "meetings.yaml").read_text(encoding="utf-8")
    assert written.endswith('end: "2018-11-06 18:00"\n    issues: [privacy, ai]\n')


def test_add_meeting_with_delegations_and_an_explicit_id(ws: Path) -> None:
    out = _ok(
        _run(
            [
                "add-meeting",
                ws,
                "--id",
                "africa-coord",
                "--title",
                "ATU coordination",
                "--start",
                "2018-11-07T08:30",
                "--end",
                "2018-11-07 09:15",
                "--access",
                "delegations",
                "--delegations",
                "KEN,GHA",
                "--seats",
                "2",
                "--status",
                "tentative",
            ]
        )
    )
    assert out.startswith("added meeting africa-coord (08:30-09:15)")
    record = _meetings(ws)["africa-coord"]
    assert record["start"] == "2018-11-07 08:30"  # written as 'YYYY-MM-DD HH:MM'
    assert record["delegations"] == ["KEN", "GHA"]
    assert record["seats"] == 2
    assert record["status"] == "tentative"
    assert 'start: "2018-11-07 08:30"' in (ws / "meetings.yaml").read_text(encoding="utf-8")


def test_a_derived_id_that_is_taken_gets_a_number(ws: Path) -> None:
    args = ["add-meeting", ws, "--title", "Plenary", "--start", "2018-11-05 14:00"]
    first = _ok(_run([*args, "--end", "2018-11-05 15:00"]))
    second = _ok(_run([*args, "--end", "2018-11-05 16:00"]))
    third = _ok(_run([*args, "--end", "2018-11-05 17:00"]))
    assert first.split()[2] == "2018-11-05-plenary"
    assert second.split()[2] == "2018-11-05-plenary-2"
    assert third.split()[2] == "2018-11-05-plenary-3"
    assert len(load_workspace(ws).meetings) == 6


def test_several_meetings_are_added_all_or_none(ws: Path) -> None:
    good = NewMeeting(title="Bilateral", start="2018-11-05 14:00", end="2018-11-05 14:30")
    bad = NewMeeting(title="Bilateral", start="2018-11-05 16:00", end="2018-11-05 15:00")
    before = (ws / "meetings.yaml").read_bytes()
    with pytest.raises(WorkspaceError) as caught:
        add_meetings(ws, [good, bad])
    assert any(p.field == "end" for p in caught.value.problems)
    assert (ws / "meetings.yaml").read_bytes() == before
    lines = add_meetings(ws, [good, good])
    assert [line.split()[2] for line in lines] == ["2018-11-05-bilateral", "2018-11-05-bilateral-2"]
    assert (ws / "meetings.yaml").read_text(encoding="utf-8").startswith(before.decode())
    assert len(load_workspace(ws).meetings) == 5


def test_derived_ids_are_readable_and_valid() -> None:
    assert derive_meeting_id("2018-11-15 14:00", "Informal on Res. 206", set()) == (
        "2018-11-15-informal-on-res-206"
    )
    assert derive_meeting_id("2018-11-15 14:00", "Réunion «ad hoc» / WG-PL", set()) == (
        "2018-11-15-reunion-ad-hoc-wg-pl"
    )
    assert derive_meeting_id("2018-11-15 14:00", "???", set()) == "2018-11-15-meeting"
    long = derive_meeting_id("2018-11-15 14:00", "word " * 40, set())
    assert len(long) <= 80 and not long.endswith("-")


def test_time_text_normalises_only_local_date_times() -> None:
    assert time_text(" 2018-11-05T09:00 ") == "2018-11-05 09:00"
    assert time_text("2018-11-05 09:00:00") == "2018-11-05 09:00"
    assert time_text("2018-11-05") == "2018-11-05"
    assert time_text("2018-11-05T09:00+00:00") == "2018-11-05T09:00+00:00"
    assert time_text("tomorrow") == "tomorrow"


ADD = ["--title", "Informal", "--start", "2018-11-05 14:00", "--end", "2018-11-05 15:00"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--end", "2018-11-05 13:00"], "end"),
        (["--start", "5 Nov 14:00"], "start"),
        (["--start", "2018-11-05"], "start"),
        (["--issues", "privacy,cyber"], "issues"),
        (["--access", "delegations", "--delegations", "KEN,XXX"], "delegations"),
        (["--delegations", "KEN"], "access"),
        (["--access", "invited"], "access"),
        (["--priority", "9"], "priority"),
        (["--seats", "0"], "seats"),
        (["--kind", "lunch"], "kind"),
        (["--status", "maybe"], "status"),
        (["--id", "m2"], "id"),
        (["--id", "bad id"], "id"),
        (["--start", "2018-11-09 14:00", "--end", "2018-11-09 15:00"], "start"),
    ],
    ids=lambda value: "_".join(value) if isinstance(value, list) else value,
)
def test_add_meeting_refuses_bad_input_and_writes_nothing(
    ws: Path, extra: list[str], field: str
) -> None:
    before = _snapshot(ws)
    result = _run(["add-meeting", ws, *ADD, *extra])
    _refused(result, "meetings.yaml", "meeting '", f"field '{field}'")
    assert _snapshot(ws) == before
    assert sorted(p.name for p in ws.iterdir()) == sorted(before)  # no temporary files left


def test_add_meeting_to_a_workspace_that_is_not_there(tmp_path: Path) -> None:
    result = _run(["add-meeting", tmp_path / "nowhere", *ADD])
    _refused(result, "nowhere", "no such workspace folder")
    assert not (tmp_path / "nowhere").exists()


def test_add_meeting_then_plan_covers_it(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    _ok(
        _run(
            [
                "add-meeting",
                folder,
                "--title",
                "Informal on Res. 206",
                "--start",
                "2018-11-05 14:00",
                "--end",
                "2018-11-05 15:30",
                "--issues",
                "privacy",
                "--priority",
                "5",
            ]
        )
    )
    out = _ok(_run(["plan", folder, "--day", "2018-11-05", "--out", tmp_path / "s", "--quiet"]))
    rota = json.loads(Path(out.strip()).read_text(encoding="utf-8"))
    new_id = "2018-11-05-informal-on-res-206"
    assert new_id in json.dumps(rota["meetings"])
    covering = [a["attendee"] for a in rota["assignments"] if a["meeting"] == new_id]
    assert covering  # nothing else at that time: someone goes


def test_add_meeting_keeps_the_tiny_example_byte_for_byte(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    before = (folder / "meetings.yaml").read_bytes()
    _ok(_run(["add-meeting", folder, *ADD]))
    after = (folder / "meetings.yaml").read_bytes()
    assert after.startswith(before)
    assert b'start: "2018-11-05 14:00"' in after[len(before) :]


def test_add_meeting_to_an_empty_meetings_file(tmp_path: Path) -> None:
    folder = write_workspace(tmp_path / "ws", [], [])
    (folder / "meetings.yaml").write_text("# nothing yet\nmeetings: []\n", encoding="utf-8")
    _ok(_run(["add-meeting", folder, *ADD]))
    text = (folder / "meetings.yaml").read_text(encoding="utf-8")
    assert text.startswith("# nothing yet\n")
    assert [m.id for m in load_workspace(folder).meetings] == ["2018-11-05-informal"]


def test_the_file_mode_is_kept(ws: Path) -> None:
    (ws / "meetings.yaml").chmod(0o644)
    _ok(_run(["add-meeting", ws, *ADD]))
    assert stat.S_IMODE((ws / "meetings.yaml").stat().st_mode) == 0o644


# --- cancel-meeting -----------------------------------------------------------------------


def test_cancel_meeting_sets_the_status_and_keeps_the_record(ws: Path) -> None:
    before = (ws / "meetings.yaml").read_text(encoding="utf-8")
    out = _ok(_run(["cancel-meeting", ws, "m2"]))
    assert out == "cancelled meeting m2 (2018-11-05 10:00-12:00)\n"
    after = (ws / "meetings.yaml").read_text(encoding="utf-8")
    # The status goes into m2, above the blank line and the day heading that follow it.
    assert after == before.replace(
        "    access: member_states\n", "    access: member_states\n    status: cancelled\n"
    )
    assert load_workspace(ws).meeting("m2").status == "cancelled"


def test_cancel_meeting_replaces_an_existing_status(ws: Path) -> None:
    text = MEETINGS.replace("    priority: 3  #", "    status: tentative\n    priority: 3  #")
    (ws / "meetings.yaml").write_text(text, encoding="utf-8")
    _ok(_run(["cancel-meeting", ws, "m1"]))
    assert (ws / "meetings.yaml").read_text(encoding="utf-8") == text.replace(
        "status: tentative", "status: cancelled"
    )


def test_cancelling_twice_changes_nothing(ws: Path) -> None:
    _ok(_run(["cancel-meeting", ws, "m3"]))
    before = _snapshot(ws)
    assert "already cancelled" in _ok(_run(["cancel-meeting", ws, "m3"]))
    assert _snapshot(ws) == before


def test_cancel_an_unknown_meeting(ws: Path) -> None:
    before = _snapshot(ws)
    lines = _refused(_run(["cancel-meeting", ws, "m22"]), "meetings.yaml", "'m22'")
    assert len(lines) == 1
    assert _snapshot(ws) == before


def test_cancel_refuses_a_workspace_that_is_invalid(ws: Path) -> None:
    text = MEETINGS.replace("issues: [ai]", "issues: [cyber]")
    (ws / "meetings.yaml").write_text(text, encoding="utf-8")
    before = _snapshot(ws)
    _refused(_run(["cancel-meeting", ws, "m1"]), "meetings.yaml", "meeting 'm2'", "'issues'")
    assert _snapshot(ws) == before


# --- move-meeting -------------------------------------------------------------------------


def test_move_meeting_changes_only_its_times(ws: Path) -> None:
    before = (ws / "meetings.yaml").read_text(encoding="utf-8")
    out = _ok(
        _run(["move-meeting", ws, "m3", "--start", "2018-11-07 09:00", "--end", "2018-11-07 10:30"])
    )
    assert out.startswith("moved meeting m3 to 2018-11-07 09:00-10:30")
    after = (ws / "meetings.yaml").read_text(encoding="utf-8")
    assert after == before.replace(
        "    start: 2018-11-06 14:00\n    end: 2018-11-06 16:00\n",
        '    start: "2018-11-07 09:00"\n    end: "2018-11-07 10:30"\n',
    )


def test_move_meeting_end_only(ws: Path) -> None:
    _ok(_run(["move-meeting", ws, "m1", "--end", "2018-11-05 11:30"]))
    after = (ws / "meetings.yaml").read_text(encoding="utf-8")
    assert after == MEETINGS.replace('end: "2018-11-05 11:00"', 'end: "2018-11-05 11:30"')


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--end", "2018-11-05 08:00"], "end"),
        (["--start", "2018-11-05 25:00"], "start"),
        (["--start", "2018-11-20 09:00", "--end", "2018-11-20 10:00"], "start"),
    ],
)
def test_move_meeting_refuses_bad_times(ws: Path, args: list[str], field: str) -> None:
    before = _snapshot(ws)
    _refused(_run(["move-meeting", ws, "m1", *args]), "meetings.yaml", "meeting 'm1'", field)
    assert _snapshot(ws) == before


def test_move_an_unknown_meeting_or_nowhere(ws: Path) -> None:
    before = _snapshot(ws)
    _refused(_run(["move-meeting", ws, "plenary", "--end", "2018-11-05 12:00"]), "meetings.yaml")
    assert "'plenary'" in _run(["move-meeting", ws, "plenary", "--end", "x"]).stderr
    result = _run(["move-meeting", ws, "m1"])
    assert result.exit_code == 2 and "--start" in result.stderr
    assert _snapshot(ws) == before


# --- unavailable --------------------------------------------------------------------------


def test_unavailable_appends_to_an_existing_list(ws: Path) -> None:
    before = (ws / "attendees.yaml").read_text(encoding="utf-8")
    out = _ok(
        _run(
            [
                "unavailable",
                ws,
                "ana",
                "--from",
                "2018-11-07 09:00",
                "--to",
                "2018-11-07 10:00",
                "--reason",
                "flight",
            ]
        )
    )
    assert out == ("marked ana unavailable from 2018-11-07 09:00 to 2018-11-07 10:00 (flight)\n")
    period = '      - {start: "2018-11-06 08:00", end: "2018-11-06 12:00"}\n'
    new = '      - {start: "2018-11-07 09:00", end: "2018-11-07 10:00", reason: flight}\n'
    after = (ws / "attendees.yaml").read_text(encoding="utf-8")
    assert after == before.replace(period, period + new)  # above the '# volunteers' comment
    ana = load_workspace(ws).attendee("ana")
    assert [p.reason for p in ana.unavailable] == [None, "flight"]


def test_unavailable_starts_a_list(ws: Path) -> None:
    before = (ws / "attendees.yaml").read_text(encoding="utf-8")
    _ok(_run(["unavailable", ws, "ben", "--from", "2018-11-05 12:00", "--to", "2018-11-05 14:00"]))
    _ok(_run(["unavailable", ws, "cy", "--from", "2018-11-06", "--to", "2018-11-06"]))
    after = (ws / "attendees.yaml").read_text(encoding="utf-8")
    assert after == before.replace(
        "    expertise: {ai: 2}\n",
        "    expertise: {ai: 2}\n    unavailable:\n"
        '      - {start: "2018-11-05 12:00", end: "2018-11-05 14:00"}\n',
    ) + ('    unavailable:\n      - {start: "2018-11-06", end: "2018-11-06"}\n')
    assert "delegation: ~" in after and "delegation: null" in after
    cy = load_workspace(ws).attendee("cy")
    assert len(cy.unavailable) == 1  # a whole conference day


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--from", "2018-11-05 12:00", "--to", "2018-11-05 11:00"], "unavailable.0.end"),
        (["--from", "noon", "--to", "2018-11-05 14:00"], "unavailable.0.start"),
    ],
)
def test_unavailable_refuses_bad_periods(ws: Path, args: list[str], field: str) -> None:
    before = _snapshot(ws)
    _refused(_run(["unavailable", ws, "ben", *args]), "attendees.yaml", "attendee 'ben'", field)
    assert _snapshot(ws) == before


def test_unavailable_for_an_unknown_attendee(ws: Path) -> None:
    before = _snapshot(ws)
    args = ["--from", "2018-11-05 12:00", "--to", "2018-11-05 14:00"]
    lines = _refused(_run(["unavailable", ws, "anna", *args]), "attendees.yaml", "'anna'")
    assert "'ana'" in lines[0]  # the near miss is suggested
    assert _snapshot(ws) == before


CSV = (
    "id,name,organisation,delegation,expertise,leads,unavailable\r\n"
    'ana,"Ana",Digital Rights,BRA,privacy:3; ai:1,privacy,2018-11-06 08:00/2018-11-06 09:00\r\n'
    '"ben",Ben,"Open, Net",,ai:2,,\r\n'
    "cy,Cy,,,privacy:2,,\r\n"
)


@pytest.fixture
def csv_ws(ws: Path) -> Path:
    (ws / "attendees.yaml").unlink()
    (ws / "attendees.csv").write_bytes(CSV.encode("utf-8"))
    load_workspace(ws)
    return ws


def test_unavailable_in_attendees_csv(csv_ws: Path) -> None:
    args = ["--from", "2018-11-05 12:00", "--to", "2018-11-05 14:00"]
    _ok(_run(["unavailable", csv_ws, "ben", *args]))
    _ok(_run(["unavailable", csv_ws, "ana", *args]))
    after = (csv_ws / "attendees.csv").read_bytes().decode("utf-8")
    lines = CSV.split("\r\n")
    assert after.split("\r\n")[0] == lines[0]
    assert after.split("\r\n")[1] == (
        "ana,Ana,Digital Rights,BRA,privacy:3; ai:1,privacy,"
        "2018-11-06 08:00/2018-11-06 09:00; 2018-11-05 12:00/2018-11-05 14:00"
    )
    assert 'ben,Ben,"Open, Net",,ai:2,,2018-11-05 12:00/2018-11-05 14:00\r\n' in after
    assert after.endswith("cy,Cy,,,privacy:2,,\r\n")  # the other rows as they were
    ws = load_workspace(csv_ws)
    assert len(ws.attendee("ana").unavailable) == 2
    assert len(ws.attendee("ben").unavailable) == 1


def test_unavailable_adds_the_column_to_attendees_csv(csv_ws: Path) -> None:
    (csv_ws / "attendees.csv").write_text("id,name,expertise\nana,Ana,privacy:3\nben,Ben,ai:2\n")
    out = _ok(
        _run(
            [
                "unavailable",
                csv_ws,
                "ben",
                "--from",
                "2018-11-05 12:00",
                "--to",
                "2018-11-05 14:00",
                "--reason",
                "x",
            ]
        )
    )
    assert "reason is not kept" in out
    assert (csv_ws / "attendees.csv").read_text() == (
        "id,name,expertise,unavailable\nana,Ana,privacy:3,\n"
        "ben,Ben,ai:2,2018-11-05 12:00/2018-11-05 14:00\n"
    )


def test_unavailable_in_csv_refuses_bad_input(csv_ws: Path) -> None:
    before = _snapshot(csv_ws)
    bad = ["--from", "2018-11-05 12:00", "--to", "2018-11-05 10:00"]
    _refused(_run(["unavailable", csv_ws, "cy", *bad]), "attendees.csv", "attendee 'cy'", "end")
    good = ["--from", "2018-11-05 12:00", "--to", "2018-11-05 14:00"]
    _refused(_run(["unavailable", csv_ws, "dan", *good]), "attendees.csv", "'dan'")
    assert _snapshot(csv_ws) == before


def test_an_edit_is_validated_with_states_yaml_too(ws: Path) -> None:
    """states.yaml is part of the workspace: an edit leaving it invalid (here it was
    already) is refused as `rota check` refuses it, and nothing is written."""
    (ws / "states.yaml").write_text(
        "states:\n  - {code: KEN, name: Kenya, stances: {no_such_issue: support}}\n",
        encoding="utf-8",
    )
    before = _snapshot(ws)
    check = _run(["check", ws])
    _refused(check, "states.yaml", "state 'KEN'", "stances.no_such_issue")
    result = _run(
        ["add-meeting", ws, "--title", "Informal", "--start", "2018-11-06 17:00", "--end",
         "2018-11-06 18:00"]
    )  # fmt: skip
    _refused(result, "states.yaml", "state 'KEN'", "stances.no_such_issue")
    assert _snapshot(ws) == before


def test_an_edit_in_a_large_file_changes_only_its_record(tmp_path: Path) -> None:
    """Only the record edited goes through the round-trip parser: every other byte of a
    generated conference's meetings.yaml (1,200 records) stays as it was."""
    from synthetic import conference

    folder = conference(tmp_path / "big", 20, 60, 20, 3)
    path = folder / "meetings.yaml"
    before = path.read_text(encoding="utf-8")
    records = yaml.safe_load(before)["meetings"]
    assert len(records) > 1000
    middle = records[len(records) // 2]
    _ok(_run(["cancel-meeting", folder, middle["id"]]))
    after = path.read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(), after.splitlines()
    added = [line for line in new_lines if line not in old_lines]
    assert added == ["  status: cancelled"]
    assert [line for line in new_lines if line != "  status: cancelled"] == old_lines
    _ok(_run(["move-meeting", folder, records[-1]["id"], "--end", "2018-11-17 23:00"]))
    moved = path.read_text(encoding="utf-8").splitlines()
    assert moved[: len(new_lines) - 12] == new_lines[: len(new_lines) - 12]
    assert load_workspace(folder).meeting(records[-1]["id"]).status == records[-1].get(
        "status", "confirmed"
    )


def test_an_error_in_an_edited_record_names_its_line_in_the_file(tmp_path: Path) -> None:
    folder = write_workspace(
        tmp_path / "ws",
        [{"id": "ana", "name": "Ana"}, {"id": "ben", "name": "Ben"}, {"id": "cy", "name": "Cy"}],
        [],
    )
    path = folder / "attendees.yaml"
    path.write_text(path.read_text() + "  unavailable: oops\n", encoding="utf-8")
    line = path.read_text().splitlines().index("- id: cy") + 1
    before = _snapshot(folder)
    result = _run(["unavailable", folder, "cy", "--from", "2018-11-05 09:00", "--to",
                   "2018-11-05 10:00"])  # fmt: skip
    _refused(result, "attendees.yaml", f"attendee 'cy' (line {line})", "unavailable")
    assert _snapshot(folder) == before


def test_two_edits_at_once_never_lose_one_that_said_it_was_done(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight `rota add-meeting` at once: four said "added" and one meeting was in the file.
    # Each edit compares the file with what it read and then replaces it; a second edit
    # between the first's compare and its replace found the file unchanged, replaced it,
    # and was then overwritten. Here the second edit runs while the first is writing.
    import threading

    import coverage.edit as edit

    real = edit.write_atomic
    second: dict[str, object] = {}

    def add(title: str) -> None:
        try:
            add_meetings(ws, [NewMeeting(title, "2018-11-06 15:00", "2018-11-06 16:00")])
            second["done"] = True
        except WorkspaceError as error:
            second["refused"] = str(error)

    def writing(path: Path, text: str) -> None:
        if not second:
            second["started"] = True
            other = threading.Thread(target=add, args=("Second edit",))
            other.start()
            other.join(timeout=1.0)  # it either waits for this write or is done
            second["thread"] = other
        real(path, text)

    monkeypatch.setattr(edit, "write_atomic", writing)
    add_meetings(ws, [NewMeeting("First edit", "2018-11-06 09:00", "2018-11-06 10:00")])
    thread = second["thread"]
    assert isinstance(thread, threading.Thread)
    thread.join(timeout=30)
    titles = {str(m["title"]) for m in _meetings(ws).values()}
    assert "First edit" in titles
    if second.get("done"):
        assert "Second edit" in titles  # said it was done: it is in the file
    else:
        assert "changed while it was being edited" in str(second["refused"])
