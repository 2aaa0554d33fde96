"""Bad input through the `rota` command: one located message per problem, exit code 2,
no traceback and nothing written. Each case is something a tired user might do."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from workspaces import CONFERENCE, meeting, person

from coverage.cli import main

TINY = Path(__file__).parent / "data" / "tiny"

# --- A small valid workspace, as plain data each case changes a little ---------------------


def _attendees() -> list[dict[str, Any]]:
    return [
        person(
            "ana",
            delegation="BRA",
            expertise={"privacy": 3, "ai": 1},
            leads=["privacy"],
            unavailable=[{"start": "2018-11-06 08:00", "end": "2018-11-06 12:00"}],
        ),
        person("ben", expertise={"ai": 2}),
        person("cy"),
    ]


def _meetings() -> list[dict[str, Any]]:
    return [
        meeting("m1", "09:00", "11:00", priority=3),
        meeting("m2", "10:00", "12:00", issues=["ai"], access="member_states"),
        meeting("m3", "2018-11-06 14:00", "2018-11-06 16:00", issues=["privacy", "ai"]),
    ]


@dataclass
class Data:
    """The three files of a workspace, as data or (when a case needs it) as raw text."""

    conference: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(CONFERENCE))
    attendees: list[dict[str, Any]] = field(default_factory=_attendees)
    meetings: list[dict[str, Any]] = field(default_factory=_meetings)
    text: dict[str, str] = field(default_factory=dict)  # file name -> raw text, wins
    csv: bool = False  # attendees as attendees.csv instead of attendees.yaml

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "conference.yaml": _yaml(self.conference),
            "meetings.yaml": _yaml({"meetings": self.meetings}),
        }
        if self.csv:
            files["attendees.csv"] = attendees_csv(self.attendees)
        else:
            files["attendees.yaml"] = _yaml({"attendees": self.attendees})
        files.update(self.text)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        return folder


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


CSV_COLUMNS = ["id", "name", "organisation", "delegation", "expertise", "leads", "unavailable"]


def attendees_csv(attendees: list[dict[str, Any]]) -> str:
    """The attendees as a spreadsheet export would write them."""
    lines = [",".join(CSV_COLUMNS)]
    for a in attendees:
        cells = {
            "id": a["id"],
            "name": a["name"],
            "organisation": a.get("organisation", ""),
            "delegation": a.get("delegation") or "",
            "expertise": "; ".join(f"{k}:{v}" for k, v in a.get("expertise", {}).items()),
            "leads": "; ".join(a.get("leads", [])),
            "unavailable": "; ".join(f"{p['start']}/{p['end']}" for p in a.get("unavailable", [])),
        }
        lines.append(",".join(cells[c] for c in CSV_COLUMNS))
    return "\n".join(lines) + "\n"


# --- The cases ---------------------------------------------------------------------------


@dataclass
class Case:
    """A bad workspace (or bad command line) and where the message must point."""

    id: str
    change: Callable[[Data], None] = lambda d: None
    file: str | None = None  # the message names a path ending with this
    record: str | None = None  # ... this record
    field: str | None = None  # ... and field 'this'
    args: tuple[str, ...] = ()  # extra arguments to `plan`; `check` is skipped when set
    setup: Callable[[Path], Path] | None = None  # for cases that are not about file content


def _set(items: list[dict[str, Any]], item_id: str, **fields: Any) -> None:
    target = next(i for i in items if i["id"] == item_id)
    target.update(fields)


def _drop(items: list[dict[str, Any]], item_id: str, key: str) -> None:
    next(i for i in items if i["id"] == item_id).pop(key)


def _text(name: str, text: str) -> Callable[[Data], None]:
    return lambda d: d.text.__setitem__(name, text)


def _csv_text(text: str) -> Callable[[Data], None]:
    """attendees.csv with this text, and no attendees.yaml."""

    def change(d: Data) -> None:
        d.csv = True
        d.text["attendees.csv"] = text

    return change


def _csv(then: Callable[[Data], None] = lambda d: None) -> Callable[[Data], None]:
    def change(d: Data) -> None:
        d.csv = True
        then(d)

    return change


def _both_attendee_files(d: Data) -> None:
    d.text["attendees.csv"] = attendees_csv(d.attendees)


def _no_meetings_file(folder: Path) -> Path:
    Data().write(folder)
    (folder / "meetings.yaml").unlink()
    return folder


def _no_folder(folder: Path) -> Path:
    return folder / "no-such-workspace"


def _meetings_file_is_a_folder(folder: Path) -> Path:
    Data().write(folder)
    (folder / "meetings.yaml").unlink()
    (folder / "meetings.yaml").mkdir()
    return folder


MALFORMED_MEETINGS = """\
meetings:
  - id: m1
    title: Plenary
    start: 2018-11-05 09:00
    end: 2018-11-05 11:00
    issues: [privacy
  - id: m2
"""

TAB_INDENTED = "meetings:\n  - id: m1\n\ttitle: Plenary\n"

CONFERENCE_DUPLICATE_KEY = """\
name: Test Conference
timezone: Asia/Dubai
timezone: Europe/Paris
start: 2018-11-05
end: 2018-11-07
"""

CSV_UNCLOSED_QUOTE = 'id,name,expertise\nana,"Ana,privacy:3\nben,Ben,ai:2\n'

CASES = [
    # Forgot a closing bracket in meetings.yaml.
    Case("malformed-yaml", _text("meetings.yaml", MALFORMED_MEETINGS), "meetings.yaml", "line"),
    # Indented with a tab (YAML allows only spaces).
    Case("yaml-tab", _text("meetings.yaml", TAB_INDENTED), "meetings.yaml", "line"),
    # Wrote `timezone:` twice in conference.yaml.
    Case(
        "yaml-duplicate-key",
        _text("conference.yaml", CONFERENCE_DUPLICATE_KEY),
        "conference.yaml",
        "line 3",
    ),
    # Left a quote open in the attendees spreadsheet.
    Case("malformed-csv", _csv_text(CSV_UNCLOSED_QUOTE), "attendees.csv", "line 2"),
    # The spreadsheet has the same column twice.
    Case(
        "csv-repeated-column",
        _csv_text("id,name,name\nana,Ana,Ana B.\n"),
        "attendees.csv",
        "line 1",
        "name",
    ),
    # A bad row after a blank line and a cell spanning two lines: the line is still right.
    Case(
        "csv-line-after-blank-and-multiline",
        _csv_text(
            'id,name,organisation,delegation\nana,Ana,"Digital\nRights",BRA\n\nben,Ben,,UK\n'
        ),
        "attendees.csv",
        "attendee 'ben' (line 5)",
        "delegation",
    ),
    # A meeting about an issue the conference does not define.
    Case(
        "unknown-issue-in-meeting",
        lambda d: _set(d.meetings, "m2", issues=["ai", "cyber"]),
        "meetings.yaml",
        "meeting 'm2'",
        "issues",
    ),
    # An attendee's expertise in an issue the conference does not define.
    Case(
        "unknown-issue-in-expertise",
        lambda d: _set(d.attendees, "ben", expertise={"cyber": 2}),
        "attendees.yaml",
        "attendee 'ben'",
        "expertise.cyber",
    ),
    # An attendee leads an unknown issue.
    Case(
        "unknown-issue-in-leads",
        lambda d: _set(d.attendees, "ana", leads=["privcy"]),
        "attendees.yaml",
        "attendee 'ana'",
        "leads",
    ),
    # The same mistake in the spreadsheet.
    Case(
        "unknown-issue-in-csv",
        _csv(lambda d: _set(d.attendees, "ben", expertise={"cyber": 2})),
        "attendees.csv",
        "attendee 'ben'",
        "expertise.cyber",
    ),
    # Misspelt a field name in a meeting.
    Case(
        "unknown-field-in-meeting",
        lambda d: _set(d.meetings, "m1", rooom="Hall A"),
        "meetings.yaml",
        "meeting 'm1'",
        "rooom",
    ),
    # Misspelt a field name in an attendee.
    Case(
        "unknown-field-in-attendee",
        lambda d: _set(d.attendees, "cy", mail="cy@example.org"),
        "attendees.yaml",
        "attendee 'cy'",
        "mail",
    ),
    # Misspelt a rule in conference.yaml.
    Case(
        "unknown-rule",
        lambda d: d.conference["rules"].update(max_duty_hour=8),
        "conference.yaml",
        None,
        "rules.max_duty_hour",
    ),
    # An extra column in the spreadsheet.
    Case(
        "unknown-column-in-csv",
        _csv_text("id,name,twitter\nana,Ana,@ana\n"),
        "attendees.csv",
        "attendee 'ana'",
        "twitter",
    ),
    # A meeting that ends before it starts.
    Case(
        "meeting-end-before-start",
        lambda d: _set(d.meetings, "m1", end="2018-11-05 08:00"),
        "meetings.yaml",
        "meeting 'm1'",
        "end",
    ),
    # A meeting that ends when it starts.
    Case(
        "meeting-end-equals-start",
        lambda d: _set(d.meetings, "m1", end="2018-11-05 09:00"),
        "meetings.yaml",
        "meeting 'm1'",
        "end",
    ),
    # An unavailability that ends before it starts.
    Case(
        "unavailable-end-before-start",
        lambda d: _set(
            d.attendees,
            "ana",
            unavailable=[{"start": "2018-11-06 12:00", "end": "2018-11-06 08:00"}],
        ),
        "attendees.yaml",
        "attendee 'ana'",
        "unavailable.0.end",
    ),
    # The same in the spreadsheet.
    Case(
        "unavailable-end-before-start-csv",
        _csv(
            lambda d: _set(
                d.attendees,
                "ana",
                unavailable=[{"start": "2018-11-06 12:00", "end": "2018-11-06 08:00"}],
            )
        ),
        "attendees.csv",
        "attendee 'ana'",
        "unavailable.0.end",
    ),
    # The conference ends before it starts.
    Case(
        "conference-end-before-start",
        lambda d: d.conference.update(end="2018-11-01"),
        "conference.yaml",
        None,
        "end",
    ),
    # Copy-pasted a meeting and forgot to change its id.
    Case(
        "duplicate-meeting-id",
        lambda d: _set(d.meetings, "m2", id="m1"),
        "meetings.yaml",
        "meeting 'm1'",
        "id",
    ),
    # A meeting copied from an imported one keeps its feed event's `source`: an import
    # would update one of the two and leave the other as it was, cancelled or not.
    Case(
        "duplicate-meeting-source",
        lambda d: (
            _set(d.meetings, "m1", source="plenary-3@conf.example"),
            _set(d.meetings, "m2", source="plenary-3@conf.example"),
        ),
        "meetings.yaml",
        "meeting 'm2'",
        "source",
    ),
    # Two attendees with the same id.
    Case(
        "duplicate-attendee-id",
        lambda d: _set(d.attendees, "cy", id="ben"),
        "attendees.yaml",
        "attendee 'ben'",
        "id",
    ),
    # Two issues with the same id.
    Case(
        "duplicate-issue-id",
        lambda d: d.conference["issues"][1].update(id="privacy"),
        "conference.yaml",
        "issue 'privacy'",
        "id",
    ),
    # A timezone that does not exist.
    Case(
        "unknown-timezone",
        lambda d: d.conference.update(timezone="Dubai"),
        "conference.yaml",
        None,
        "timezone",
    ),
    # A two-letter country code instead of ISO alpha-3.
    Case(
        "bad-delegation-code",
        lambda d: _set(d.attendees, "ana", delegation="BR"),
        "attendees.yaml",
        "attendee 'ana'",
        "delegation",
    ),
    # A lower-case country code.
    Case(
        "lower-case-delegation",
        lambda d: _set(d.attendees, "ana", delegation="bra"),
        "attendees.yaml",
        "attendee 'ana'",
        "delegation",
    ),
    # A bad code in the spreadsheet.
    Case(
        "bad-delegation-csv",
        _csv(lambda d: _set(d.attendees, "ana", delegation="BRAZIL")),
        "attendees.csv",
        "attendee 'ana'",
        "delegation",
    ),
    # A bad code in a meeting's list of delegations.
    Case(
        "bad-meeting-delegation",
        lambda d: _set(d.meetings, "m1", access="delegations", delegations=["BRA", "XXX"]),
        "meetings.yaml",
        "meeting 'm1'",
        "delegations",
    ),
    # A meeting the week after the conference.
    Case(
        "meeting-after-conference",
        lambda d: _set(d.meetings, "m3", start="2018-11-12 10:00", end="2018-11-12 11:00"),
        "meetings.yaml",
        "meeting 'm3'",
        "start",
    ),
    # A meeting the day before the conference.
    Case(
        "meeting-before-conference",
        lambda d: _set(d.meetings, "m1", start="2018-11-04 10:00", end="2018-11-04 11:00"),
        "meetings.yaml",
        "meeting 'm1'",
        "start",
    ),
    # A zero weight for an issue.
    Case(
        "zero-weight",
        lambda d: d.conference["issues"][1].update(weight=0),
        "conference.yaml",
        "issue 'ai'",
        "weight",
    ),
    # A negative weight for an issue.
    Case(
        "negative-weight",
        lambda d: d.conference["issues"][0].update(weight=-3),
        "conference.yaml",
        "issue 'privacy'",
        "weight",
    ),
    # meetings.yaml was never created.
    Case("missing-file", file="meetings.yaml", setup=_no_meetings_file),
    # The workspace folder is misspelt.
    Case("no-such-folder", file="no-such-workspace", setup=_no_folder),
    # A meeting without a start.
    Case(
        "missing-start",
        lambda d: _drop(d.meetings, "m2", "start"),
        "meetings.yaml",
        "meeting 'm2'",
        "start",
    ),
    # An attendee without a name (blank cell in the spreadsheet).
    Case(
        "missing-name-csv",
        _csv(lambda d: _set(d.attendees, "cy", name="")),
        "attendees.csv",
        "attendee 'cy'",
        "name",
    ),
    # A time that does not exist on a clock.
    Case(
        "time-25-00",
        lambda d: _set(d.meetings, "m2", end="2018-11-05 25:00"),
        "meetings.yaml",
        "meeting 'm2'",
        "end",
    ),
    # A meeting start with a date and no time.
    Case(
        "date-only-start",
        lambda d: _set(d.meetings, "m1", start="2018-11-05"),
        "meetings.yaml",
        "meeting 'm1'",
        "start",
    ),
    # Restricted access without saying to whom.
    Case(
        "delegations-access-without-list",
        lambda d: _set(d.meetings, "m2", access="delegations"),
        "meetings.yaml",
        "meeting 'm2'",
        "delegations",
    ),
    # Expertise on a 1-3 scale, given as 4.
    Case(
        "expertise-level-4",
        lambda d: _set(d.attendees, "ana", expertise={"privacy": 4}),
        "attendees.yaml",
        "attendee 'ana'",
        "expertise.privacy",
    ),
    # The same in the spreadsheet.
    Case(
        "expertise-level-4-csv",
        _csv(lambda d: _set(d.attendees, "ana", expertise={"privacy": 4})),
        "attendees.csv",
        "attendee 'ana'",
        "expertise.privacy",
    ),
    # Expertise written without a level in the spreadsheet.
    Case(
        "expertise-without-level-csv",
        _csv_text("id,name,expertise\nana,Ana,privacy\n"),
        "attendees.csv",
        "attendee 'ana'",
        "expertise",
    ),
    # A bare list of meetings, without the `meetings:` key on top.
    Case(
        "top-level-list",
        lambda d: d.text.update({"meetings.yaml": _yaml(d.meetings)}),
        "meetings.yaml",
    ),
    # Exported the spreadsheet next to the YAML file.
    Case("both-attendee-files", _both_attendee_files, "attendees."),
    # A spreadsheet row with one cell too many (an unquoted comma in a name).
    Case(
        "csv-too-many-cells",
        _csv_text("id,name,delegation\nana,Ana,BRA\nben,Ben, Jr.,GBR\n"),
        "attendees.csv",
        "line 3",
    ),
    # Unzipped an archive so that meetings.yaml became a folder.
    Case("file-is-a-folder", file="meetings.yaml", setup=_meetings_file_is_a_folder),
    # A date that is not on the calendar.
    Case(
        "november-31",
        lambda d: _set(d.attendees, "ben", available_from="2018-11-31"),
        "attendees.yaml",
        "attendee 'ben'",
        "available_from",
    ),
    # "Away for good" written as the calendar's last day, and times at its first: a
    # day's closing or a time zone's offset there is past the end of Python's calendar
    # (OverflowError, a traceback, before).
    Case(
        "away-until-year-9999",
        lambda d: _set(
            d.attendees, "ana", unavailable=[{"start": "2018-11-06", "end": "9999-12-31"}]
        ),
        "attendees.yaml",
        "attendee 'ana'",
        "unavailable.0.end",
    ),
    Case(
        "available-until-year-9999",
        lambda d: _set(d.attendees, "ben", available_until="9999-12-31"),
        "attendees.yaml",
        "attendee 'ben'",
        "available_until",
    ),
    Case(
        "available-from-year-1",
        lambda d: _set(d.attendees, "ben", available_from="0001-01-01 00:10"),
        "attendees.yaml",
        "attendee 'ben'",
        "available_from",
    ),
    Case(
        "meeting-in-year-1",
        lambda d: _set(d.meetings, "m1", start="0001-01-01 00:30"),
        "meetings.yaml",
        "meeting 'm1'",
        "start",
    ),
    Case(
        "conference-ends-in-year-9999",
        lambda d: d.conference.update(end="9999-12-31"),
        "conference.yaml",
        None,
        "end",
    ),
    Case("now-in-year-1", args=("--now", "0001-01-01 00:00")),
    # An id with a space in it.
    Case(
        "id-with-space",
        lambda d: _set(d.meetings, "m2", id="m 2"),
        "meetings.yaml",
        "meeting 'm 2'",
        "id",
    ),
    # A day outside the conference.
    Case("day-outside-conference", args=("--day", "2018-11-09")),
    # Both a day and a range.
    Case("day-and-from", args=("--day", "2018-11-05", "--from", "2018-11-05")),
]


# --- The checks ----------------------------------------------------------------------------


def _run(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


def _assert_clean_failure(result: Result, case: Case) -> None:
    output = result.output + (result.stderr or "")
    assert result.exit_code == 2, output
    assert isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output, output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no message on stderr"
    located = [
        line
        for line in lines
        if (case.file is None or case.file in line)
        and (case.record is None or case.record in line)
        and (case.field is None or f"field '{case.field}'" in line)
    ]
    assert located, f"no single line names {case.file!r}, {case.record!r}, {case.field!r}:\n" + (
        "\n".join(lines)
    )


def _workspace(case: Case, tmp_path: Path) -> Path:
    if case.setup is not None:
        return case.setup(tmp_path / "ws")
    data = Data()
    case.change(data)
    return data.write(tmp_path / "ws")


@pytest.mark.parametrize("case", [c for c in CASES if not c.args], ids=lambda c: c.id)
def test_check_refuses_bad_input(case: Case, tmp_path: Path) -> None:
    ws = _workspace(case, tmp_path)
    _assert_clean_failure(_run(["check", str(ws)]), case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_plan_refuses_bad_input_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    ws = _workspace(case, tmp_path)
    out = tmp_path / "out"
    args = case.args or ("--day", "2018-11-05")
    result = _run(["plan", str(ws), *args, "--out", str(out), "--time-limit", "5"])
    _assert_clean_failure(result, case)
    assert not out.exists() or not any(out.rglob("*")), sorted(out.rglob("*"))


def test_a_repeated_id_names_both_records(tmp_path: Path) -> None:
    data = Data()
    _set(data.meetings, "m3", id="m1")
    result = _run(["check", str(data.write(tmp_path / "ws"))])
    assert result.exit_code == 2
    assert "meeting 'm1' (line 16): field 'id'" in result.stderr
    assert "already used by meeting 'm1' (line 2)" in result.stderr


def test_a_value_out_of_range_is_quoted(tmp_path: Path) -> None:
    data = Data()
    data.conference["issues"][0]["weight"] = -3
    result = _run(["check", str(data.write(tmp_path / "ws"))])
    assert result.exit_code == 2
    assert "greater than 0 (got -3)" in result.stderr


def test_plan_into_a_file_instead_of_a_folder(tmp_path: Path) -> None:
    # Gave `--out` the name of an existing file.
    ws = Data().write(tmp_path / "ws")
    (tmp_path / "out").write_text("notes\n")
    result = _run(["plan", str(ws), "--day", "2018-11-05", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert str(tmp_path / "out") in result.stderr
    assert (tmp_path / "out").read_text() == "notes\n"


def test_the_base_workspace_is_valid(tmp_path: Path) -> None:
    """Each case breaks one thing; the workspace it starts from has nothing wrong."""
    for csv in (False, True):
        ws = Data(csv=csv).write(tmp_path / f"ws-{csv}")
        result = _run(["check", str(ws)])
        assert result.exit_code == 0, result.output


# --- Happy paths ---------------------------------------------------------------------------


def _plan(ws: Path, out: Path) -> dict[str, Any]:
    args = ["plan", str(ws), "--day", "2018-11-05", "--out", str(out), "--quiet"]
    result = _run([*args, "--time-limit", "10"])
    assert result.exit_code == 0, result.output + result.stderr
    rota_path = Path(result.stdout.strip().splitlines()[-1])
    data: dict[str, Any] = json.loads(rota_path.read_text(encoding="utf-8"))
    return data


def test_attendees_csv_plans_like_attendees_yaml(tmp_path: Path) -> None:
    from_yaml = _plan(Data().write(tmp_path / "yaml"), tmp_path / "out-yaml")
    from_csv = _plan(Data(csv=True).write(tmp_path / "csv"), tmp_path / "out-csv")
    assert from_yaml["assignments"], "the base workspace should cover something"
    assert from_csv["assignments"] == from_yaml["assignments"]


def test_csv_cells_read_as_yaml_fields(tmp_path: Path) -> None:
    """Lists and mappings in cells mean what they mean in attendees.yaml."""
    from coverage.io import load_workspace

    from_yaml = load_workspace(Data().write(tmp_path / "yaml"))
    from_csv = load_workspace(Data(csv=True).write(tmp_path / "csv"))
    assert from_csv.attendees == from_yaml.attendees


def test_check_on_tiny_prints_the_summary(tmp_path: Path) -> None:
    ws = shutil.copytree(TINY, tmp_path / "tiny")
    result = _run(["check", str(ws)])
    assert result.exit_code == 0, result.output
    assert "Tiny Conference (Asia/Dubai): workspace is valid" in result.stdout
    assert "2 days, 2 attendees, 2 meetings" in result.stdout
    assert "2018-11-05" in result.stdout and "2018-11-06" in result.stdout
    assert result.stderr == ""


def test_schema_prints_every_workspace_files_schema() -> None:
    result = _run(["schema"])
    assert result.exit_code == 0, result.output
    schemas = json.loads(result.stdout)
    assert set(schemas) == {"conference.yaml", "attendees.yaml", "meetings.yaml", "states.yaml"}
    assert {"states", "ties", "regional_tie_weight"} <= set(schemas["states.yaml"]["properties"])
    assert "timezone" in schemas["conference.yaml"]["properties"]
    assert "attendees" in schemas["attendees.yaml"]["properties"]
    assert "meetings" in schemas["meetings.yaml"]["properties"]
    one = json.loads(_run(["schema", "--file", "meetings"]).stdout)
    assert one == schemas["meetings.yaml"]
