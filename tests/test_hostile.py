"""Hostile input and faults, class by class (issue 11), through the command line: one
located message, exit code 2, no traceback, nothing written (and nothing outside the
output folder); outputs that carry nothing a terminal, browser, Markdown viewer or
calendar would act on."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from workspaces import TEXT_FIELDS, meeting, person, put_text, write_workspace

from coverage.cli import main

DAY = "2018-11-05"


def run(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(result: Any, *needles: str) -> str:
    """Exit code 2, one `error:` line (several only when the input has several problems),
    each needle in the message, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert errors, result.output
    text = "\n".join(errors)
    for needle in needles:
        assert needle in text, (needle, text)
    return text


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


def small(tmp_path: Path, **conference: Any) -> Path:
    return write_workspace(
        tmp_path / "ws",
        [person("ana", name="Ana"), person("ben", name="Ben")],
        [meeting("a", "09:00", "10:00"), meeting("b", "11:00", "12:00")],
        **conference,
    )


def planned(tmp_path: Path) -> tuple[Path, Path]:
    ws = small(tmp_path)
    result = run("plan", ws, "--day", DAY, "--quiet")
    assert result.exit_code == 0, result.output
    return ws, Path(result.output.strip().splitlines()[-1])


# --- 1. ids read back from published files name no file and no URL ---------------------


def test_a_tampered_id_in_a_published_rota_writes_nothing_outside(tmp_path: Path) -> None:
    ws, path = planned(tmp_path)
    data = json.loads(path.read_text())
    evil = "../../../escaped"
    data["attendees"][0]["id"] = evil
    data["assignments"][0]["attendee"] = evil
    data["meetings"][0]["attendees"] = [evil]
    path.write_text(json.dumps(data))
    before = files_under(tmp_path)
    text = refused(run("ical", ws), str(path), "attendees[0]", "field 'id'")
    assert "not a valid published rota" in text
    assert files_under(tmp_path) == before
    password = tmp_path / "pw"
    password.write_text("secret\n")
    refused(
        run(
            "publish",
            ws,
            "--caldav",
            "http://127.0.0.1:9/",
            "--user",
            "u",
            "--password-file",
            password,
        ),
        str(path),
    )


# --- 2. malformed published files ---------------------------------------------------------


def _drop_meetings(d: dict[str, Any]) -> None:
    del d["meetings"]


def _string_for_list(d: dict[str, Any]) -> None:
    d["assignments"] = "ana at a"


def _assignment_without_keys(d: dict[str, Any]) -> None:
    d["assignments"][0] = {"meeting": d["assignments"][0]["meeting"]}


def _naive_time(d: dict[str, Any]) -> None:
    d["assignments"][0]["start"] = "2018-11-05T09:00:00"


def _unknown_meeting(d: dict[str, Any]) -> None:
    d["assignments"][0]["meeting"] = "nowhere"


def _not_json_number(d: dict[str, Any]) -> None:
    d["solver"]["time_limit"] = float("nan")


def _escape_in_a_title(d: dict[str, Any]) -> None:
    d["meetings"][0]["title"] = "\x1b]0;owned\x07\x1b[2J"


TAMPERINGS = {
    "no meetings": (_drop_meetings, "unknown meeting"),
    "a string for a list": (_string_for_list, "assignments"),
    "an assignment without keys": (_assignment_without_keys, "assignments[0]"),
    "a time without offset": (_naive_time, "assignments[0]"),
    "an unknown meeting": (_unknown_meeting, "assignments[0]"),
    "NaN": (_not_json_number, "NaN"),
    "an escape sequence": (_escape_in_a_title, "meetings[0]"),
}
COMMANDS = {
    "digest": ["digest", "{ws}", "--day", DAY],
    "replan": ["replan", "{ws}", "--day", DAY, "--now", "08:00"],
    "diff": ["diff", "{ws}", "--day", DAY, "1", "1"],
    "ical": ["ical", "{ws}"],
    "history": ["history", "{ws}", "--day", DAY],
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_malformed_published_rota_is_reported(
    tmp_path: Path, tampering: str, command: str
) -> None:
    ws, path = planned(tmp_path)
    change, where = TAMPERINGS[tampering]
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    before = files_under(ws)
    args = [a.replace("{ws}", str(ws)) for a in COMMANDS[command]]
    refused(run(*args), str(path), where)
    assert files_under(ws) == before


# --- 3. control characters and line breaks ------------------------------------------------

BAD_TEXT = {
    "a line break": "Ana\nATTENDEE:mailto:x@example.org",
    "a carriage return": "Ana\rX-WR-CALNAME:owned",
    "an escape sequence": "\x1b]0;retitled\x07\x1b[2J",
    "a NUL": "Ana\x00",
    "a fake section": "Ana\n== To the group chat ==",
    "a direction override": "Ana \u202eevil",
    "an Arabic letter mark": "Ana\u061c",
    "a zero-width space": "An\u200ba",
    "a word joiner": "Ana\u2060",
    "an interlinear annotation": "Ana\ufff9hidden\ufffb",
    "tag characters (hidden ASCII)": "Ana" + "".join(chr(0xE0000 + ord(c)) for c in "run rm"),
    "a soft hyphen": "An\u00ada",
    "a Hangul filler": "Ana\u3164",
    "a variation selector": "Ana\ufe01",
    "a deprecated format character": "Ana\u206a",
    "a shorthand format control": "Ana\U0001bca1",
}


@pytest.mark.parametrize("what", BAD_TEXT)
@pytest.mark.parametrize("where", TEXT_FIELDS)
def test_control_characters_are_refused_where_they_are_typed(
    tmp_path: Path, what: str, where: str
) -> None:
    text = BAD_TEXT[what]
    people = [person("ana"), person("ben")]
    meetings = [meeting("a", "09:00", "10:00")]
    conference = put_text(where, text, people, meetings)
    ws = write_workspace(tmp_path / "ws", people, meetings, **conference)
    field = {"attendee name": "name", "meeting title": "title", "conference name": "name",
             "issue name": "name"}.get(where, where)  # fmt: skip
    message = refused(run("check", ws), f"field '{field}'", "one line of printable text")
    assert "\x1b" not in message and "\r" not in message
    assert not (ws / "schedules").exists()


def test_joiners_that_scripts_and_emoji_need_are_kept(tmp_path: Path) -> None:
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # with a ZWNJ
    family = "\U0001f469\u200d\U0001f467 \u2764\ufe0f"  # joined by a ZWJ; a heart as emoji
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", name=persian)],
        [meeting("a", "09:00", "10:00", title=family)],
    )
    assert run("check", ws).exit_code == 0
    result = run("plan", ws, "--day", DAY)
    assert result.exit_code == 0 and persian in result.output and family in result.output


def test_an_alt_enter_cell_in_a_spreadsheet_is_refused(tmp_path: Path) -> None:
    ws = small(tmp_path)
    (ws / "attendees.yaml").unlink()
    (ws / "attendees.csv").write_text('id,name,organisation\nana,Ana,"Open\nNet"\n')
    refused(run("check", ws), "attendees.csv", "attendee 'ana'", "field 'organisation'")


def test_a_state_name_with_an_escape_is_refused(tmp_path: Path) -> None:
    ws = small(tmp_path)
    states = {"states": [{"code": "KEN", "name": "Kenya\x1b[31m", "stances": {}}]}
    (ws / "states.yaml").write_text(yaml.safe_dump(states))
    refused(run("outreach", ws), "states.yaml", "state 'KEN'", "field 'name'")


# --- 4. Markdown carries no markup from the workspace ---------------------------------------


def test_markdown_escapes_html_links_images_and_table_breaks(tmp_path: Path) -> None:
    titles = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "![tracker](http://example.org/t.png)",
        "a | b | c",
        "see https://evil.example/x or www.evil.example",  # GitHub makes bare URLs links
    ]
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", name="<b>Ana</b>")],
        [
            meeting(f"m{n}", f"{9 + n:02d}:00", f"{9 + n:02d}:30", title=t)
            for n, t in enumerate(titles)
        ],
    )
    result = run("plan", ws, "--day", DAY, "--quiet")
    assert result.exit_code == 0, result.output
    markdown = (Path(result.output.strip()).parent / "rota.md").read_text()
    assert "<script" not in markdown and "<img" not in markdown and "<b>" not in markdown
    assert not re.search(r"(?<!\\)\]\(", markdown)  # no link or image can form
    assert "![" not in markdown
    assert "&lt;script&gt;" in markdown
    assert "https://evil" not in markdown and "www.evil" not in markdown
    assert "https\\://evil.example/x or www\\.evil.example" in markdown
    for line in markdown.splitlines():
        if line.startswith("| ") and "a \\| b" in line:
            assert line.count(" | ") == 4  # the five cells of the row, none split


# --- 5. YAML bombs, odd keys, special files --------------------------------------------------


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    ws = small(tmp_path)
    bomb = "\n".join(
        [f"a0: &a0 [{', '.join(['x'] * 9)}]"]
        + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
        + ["meetings: []"]
    )
    (ws / "meetings.yaml").write_text(bomb)
    refused(run("check", ws), "meetings.yaml", "line 1", "anchors and aliases")


@pytest.mark.parametrize("key", ["[a, b]", "{x: 1}"])
def test_yaml_keys_must_be_plain_names(tmp_path: Path, key: str) -> None:
    ws = small(tmp_path)
    (ws / "meetings.yaml").write_text(f"meetings:\n  - id: a\n    {key}: 1\n")
    refused(run("check", ws), "meetings.yaml", "a key must be a plain name")


def test_special_files_and_links_out_of_the_workspace_are_refused(tmp_path: Path) -> None:
    ws = small(tmp_path)
    (ws / "meetings.yaml").unlink()
    os.mkfifo(ws / "meetings.yaml")
    refused(run("check", ws), "meetings.yaml", "not a regular file")
    refused(run("add-meeting", ws, "--title", "X", "--start", f"{DAY} 10:00",
                "--end", f"{DAY} 11:00"), "meetings.yaml")  # fmt: skip
    (ws / "meetings.yaml").unlink()
    (ws / "meetings.yaml").symlink_to("/dev/zero")
    refused(run("check", ws), "meetings.yaml", "outside the workspace")
    (ws / "meetings.yaml").unlink()
    (ws / "meetings.yaml").symlink_to("/etc/passwd")
    message = refused(run("check", ws), "meetings.yaml", "outside the workspace")
    assert "root:x:" not in message  # the file's lines are not echoed back


# --- 6. numbers and options out of range ------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"issues": [{"id": "privacy", "name": "P", "weight": 10**16}]}, "weight"),
        ({"issues": [{"id": "privacy", "name": "P", "weight": True}]}, "weight"),
        ({"rules": {"max_late_nights_in_a_row": 10**12}}, "max_late_nights_in_a_row"),
        ({"end": "9999-12-31"}, "end"),
        ({"timezone": "localtime"}, "timezone"),
        ({"timezone": "Factory"}, "timezone"),
        ({"timezone": "posixrules"}, "timezone"),
    ],
)
def test_numbers_and_names_out_of_range_are_refused(
    tmp_path: Path, change: dict[str, Any], field: str
) -> None:
    rules = change.pop("rules", None)
    ws = small(tmp_path, **change)
    if rules:
        data = yaml.safe_load((ws / "conference.yaml").read_text())
        data["rules"].update(rules)
        (ws / "conference.yaml").write_text(yaml.safe_dump(data))
    refused(run("check", ws), "conference.yaml", f"{field}'")
    refused(run("plan", ws, "--day", DAY))
    assert not (ws / "schedules").exists()


def test_a_time_zone_of_thousands_of_parts_is_refused_in_a_short_line(tmp_path: Path) -> None:
    """Found by an attacker: `timezone: Europe/Europe/...` (4,901 characters) sent Python's
    tz lookup into a RecursionError, and a long name was echoed whole."""
    ws = small(tmp_path, timezone="Europe/" * 700 + "X")
    message = refused(run("check", ws), "conference.yaml", "field 'timezone'", "4,901 characters")
    assert len(message) < 400 + len(str(ws))
    refused(run("plan", ws, "--day", DAY))
    assert not (ws / "schedules").exists()


@pytest.mark.parametrize(
    "option",
    [
        ["--seed", str(2**31)],
        ["--workers", "100000"],
        ["--time-limit", "nan"],
        ["--time-limit", "inf"],
        ["--wait", "nan"],
    ],
)
def test_options_out_of_range_are_refused(tmp_path: Path, option: list[str]) -> None:
    ws = small(tmp_path)
    result = run("plan", ws, "--day", DAY, *option)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert option[0] in result.output
    assert not (ws / "schedules").exists()


def test_a_broken_caldav_url_is_refused(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    password = tmp_path / "pw"
    password.write_text("secret\n")
    refused(
        run("publish", ws, "--caldav", "http://[::1", "--user", "u", "--password-file", password),
        "not a valid URL",
    )


# --- 7. disk faults ---------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, options: str) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_gives_one_line_and_leaves_nothing_half_written(tmp_path: Path) -> None:
    ws = small(tmp_path)
    with small_disk(tmp_path / "disk", "size=48k") as disk:
        (disk / "filler").write_bytes(b"x" * 40_000)
        result = run("plan", ws, "--day", DAY, "--out", disk / "versions")
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert "No space left on device" in result.output
        leftovers = files_under(disk)
        assert not any(name.startswith("versions/v") for name in leftovers), leftovers
        assert not any(".staging-" in name for name in leftovers), leftovers


def test_a_full_disk_names_the_file_being_written(tmp_path: Path) -> None:
    """Found by an attacker: a full disk was 'error: a file: No space left on device', or
    named the hidden temporary file."""
    with small_disk(tmp_path / "disk", "size=64k") as disk:
        ws = small(disk)
        meetings = (ws / "meetings.yaml").read_bytes()
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as handle:
            while True:
                handle.write(b"x" * 512)
                handle.flush()
        for args in (
            ["add-meeting", ws, "--title", "X" * 400, "--start", f"{DAY} 13:00", "--end",
             f"{DAY} 14:00", "--room", "R" * 400],
            ["plan", ws, "--day", DAY],
        ):  # fmt: skip
            result = run(*args)
            assert result.exit_code == 2 and "Traceback" not in result.output, result.output
            assert "No space left on device" in result.output
            line = result.output.strip().splitlines()[-1]
            assert "a file" not in line and "/." not in line, line
        again = run("add-meeting", ws, "--title", "X" * 400, "--start", f"{DAY} 13:00",
                    "--end", f"{DAY} 14:00")  # fmt: skip
        assert "meetings.yaml" in refused(again)
        assert (ws / "meetings.yaml").read_bytes() == meetings


def test_a_read_only_folder_gives_one_line(tmp_path: Path) -> None:
    with small_disk(tmp_path / "ro", "size=1m") as disk:
        ws = small(disk)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        for args in (
            ["plan", ws, "--day", DAY],
            ["add-meeting", ws, "--title", "X", "--start", f"{DAY} 13:00", "--end", f"{DAY} 14:00"],
            ["cancel-meeting", ws, "a"],
            ["unavailable", ws, "ana", "--from", f"{DAY} 13:00", "--to", f"{DAY} 14:00"],
        ):
            result = run(*args)
            assert result.exit_code == 2, (args, result.output)
            assert "Read-only file system" in result.output and "Traceback" not in result.output


def test_staging_folders_left_by_a_killed_run_are_cleaned(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    store = ws / "schedules"
    old = store / ".staging-killed"
    old.mkdir()
    (old / "rota.json").write_text("{}")
    os.utime(old, (0, 0))
    assert run("plan", ws, "--day", DAY, "--quiet").exit_code == 0
    assert not old.exists()


# --- 8. secrets -----------------------------------------------------------------------------------


def test_a_password_in_the_url_is_never_printed(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    password = tmp_path / "pw"
    password.write_text("secret\n")
    url = "http://coord:hunter2@127.0.0.1:9/dav/"
    result = run("publish", ws, "--caldav", url, "--user", "u", "--password-file", password)
    message = refused(result, "***@127.0.0.1:9")
    assert "hunter2" not in result.output and "hunter2" not in message


# --- 9. odd scale --------------------------------------------------------------------------------


def test_many_issues_make_calendars_without_delay(tmp_path: Path) -> None:
    issues = [{"id": f"i{n}", "name": f"Issue {n}", "weight": 1} for n in range(3000)]
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", expertise={"i0": 3})],
        [meeting("a", "09:00", "10:00", issues=["i0", "i1"])],
        issues=issues,
    )
    assert run("plan", ws, "--day", DAY, "--quiet").exit_code == 0
    result = run("ical", ws)
    assert result.exit_code == 0, result.output
    assert "1 personal, 1 team and 2 issue calendar(s)" in result.output


# --- 10. the smaller ones --------------------------------------------------------------------


def test_seconds_in_times_are_refused(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [meeting("a", "2018-11-05 09:00:30", "2018-11-05 09:00:50")],
    )
    refused(run("check", ws), "meeting 'a'", "field 'start'", "has seconds")


def test_a_time_the_clocks_go_through_twice_needs_its_offset(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [meeting("a", "2018-10-28 01:30", "2018-10-28 02:30")],
        timezone="Europe/Berlin",
        start="2018-10-27",
        end="2018-10-28",
    )
    refused(run("check", ws), "meeting 'a'", "field 'end'", "happens twice", "+02:00", "+01:00")


def test_an_empty_title_is_refused(tmp_path: Path) -> None:
    ws = small(tmp_path)
    refused(
        run("add-meeting", ws, "--title", "  ", "--start", f"{DAY} 13:00", "--end", f"{DAY} 14:00"),
        "field 'title'",
    )


def test_a_meeting_longer_than_the_duty_cap_is_a_rule_conflict(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws", [person("ana", max_duty_hours=3.5)], [meeting("long", "09:00", "13:00")]
    )
    result = run("plan", ws, "--day", DAY, "--quiet")
    data = json.loads(Path(result.output.strip()).read_text())
    (reason,) = data["uncovered"]
    assert reason["reason"] == "rule_conflict" and "max_duty_hours" in reason["message"]


def test_a_too_long_id_is_explained(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", [person("a" * 81)], [meeting("m", "09:00", "10:00")])
    refused(run("check", ws), "field 'id'", "an id has at most 80 characters")


def test_a_meeting_on_many_issues_repeats_a_bounded_list_in_each_event(tmp_path: Path) -> None:
    issues = [{"id": f"i{n}", "name": f"Issue {n}", "weight": 1} for n in range(300)]
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", expertise={"i0": 3})],
        [meeting("a", "09:00", "10:00", issues=[f"i{n}" for n in range(300)])],
        issues=issues,
    )
    assert run("plan", ws, "--day", DAY, "--quiet").exit_code == 0
    folder = Path(run("ical", ws).output.strip().splitlines()[-1])
    assert len(list(folder.glob("issue-*.ics"))) == 300
    text = (folder / "issue-i150.ics").read_text().replace("\n ", "")
    assert "and 288 more" in text and "Issue 299" not in text


# --- files at the limits of the readers: huge numbers, deep nesting, strange folders ------


def test_a_number_with_thousands_of_digits_is_refused_naming_the_field(tmp_path: Path) -> None:
    ws = small(tmp_path)
    text = (ws / "conference.yaml").read_text()
    assert "weight: 3\n" in text
    (ws / "conference.yaml").write_text(text.replace("weight: 3\n", f"weight: {'9' * 5000}\n", 1))
    refused(run("check", ws), "conference.yaml", "weight'")
    refused(run("plan", ws, "--day", DAY))
    assert not (ws / "schedules").exists()


DEEP = "[" * 200_000 + "]" * 200_000


@pytest.mark.parametrize("command", ["plan", "history", "digest"])
def test_a_published_rota_nested_too_deep_is_refused(tmp_path: Path, command: str) -> None:
    ws, path = planned(tmp_path)
    path.write_text(DEEP)
    before = files_under(ws)
    args = {"plan": ["plan", ws, "--day", DAY], "history": ["history", ws, "--day", DAY]}
    refused(run(*args.get(command, [command, ws, "--day", DAY])), str(path), "nested too deep")
    assert files_under(ws) == before


def test_a_store_record_nested_too_deep_is_refused(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    record = ws / "schedules" / "store.json"
    record.write_text("[" * 30_000 + "]" * 30_000)  # within the record's 64 KB
    before = files_under(ws)
    refused(run("plan", ws, "--day", DAY), str(record), "nested too deep")
    assert files_under(ws) == before


def test_a_folder_numbered_past_any_version_is_not_read_as_one(tmp_path: Path) -> None:
    ws, path = planned(tmp_path)
    path.parent.rename(path.parent.with_name("v" + "9" * 30 + f"-{DAY}"))
    result = run("plan", ws, "--day", DAY, "--quiet")
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert Path(result.output.strip()).parent.name == f"v001-{DAY}"
    made = run("ical", ws)
    assert made.exit_code == 0, made.output


def test_a_lock_file_that_is_a_link_is_refused_and_nothing_is_made_elsewhere(
    tmp_path: Path,
) -> None:
    ws, _ = planned(tmp_path)
    target = tmp_path / "elsewhere" / "planted"
    (tmp_path / "elsewhere").mkdir()
    lock = ws / "schedules" / ".lock"
    lock.unlink(missing_ok=True)
    lock.symlink_to(target)
    before = files_under(ws)
    refused(run("plan", ws, "--day", DAY), ".lock", "is a link")
    assert not target.exists() and files_under(ws) == before


def test_a_store_record_that_is_a_link_to_another_workspace_is_refused(tmp_path: Path) -> None:
    """Found by an attacker: `schedules/store.json` linked to another workspace's record
    gave this workspace the other's identity, and with it the other's history."""
    other, _ = planned(tmp_path / "other")
    ws = small(tmp_path / "this")
    (ws / "schedules").mkdir()
    (ws / "schedules" / "store.json").symlink_to(other / "schedules" / "store.json")
    before = files_under(ws), files_under(other)
    refused(run("plan", ws, "--day", DAY), "store.json", "is a link")
    refused(run("history", ws, "--day", DAY), "store.json", "is a link")
    assert (files_under(ws), files_under(other)) == before


def test_a_meeting_over_several_days_is_refused(tmp_path: Path) -> None:
    """Found by an attacker: a meeting of four days was planned and shown '08:00-08:00'."""
    ws = small(tmp_path)
    before = files_under(ws), (ws / "meetings.yaml").read_bytes()
    refused(
        run("add-meeting", ws, "--title", "X", "--start", f"{DAY} 09:00", "--end",
            "2018-11-07 09:00"),
        "field 'end'", "less than 24 hours (this one 48)",
    )  # fmt: skip
    assert (files_under(ws), (ws / "meetings.yaml").read_bytes()) == before
    long = write_workspace(
        tmp_path / "long", [person("ana")], [meeting("long", "08:00", "2018-11-09 08:00")]
    )
    refused(run("check", long), "meeting 'long'", "field 'end'", "less than 24 hours (this one 96)")
    day = write_workspace(
        tmp_path / "day", [person("ana")], [meeting("day", "20:00", "2018-11-06 20:00")]
    )
    refused(run("check", day), "meeting 'day'", "less than 24 hours (this one 24)")


# --- found by an attacker, session 13 -------------------------------------------------------


def test_a_store_record_that_is_a_pipe_or_huge_is_refused_at_once(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    record = ws / "schedules" / "store.json"
    record.unlink()
    os.mkfifo(record)  # read whole, it was waited on for ever
    refused(run("plan", ws, "--day", DAY), "store.json", "is not a regular file")
    record.unlink()
    with record.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # read whole, it took gigabytes
    refused(run("history", ws, "--day", DAY), "store.json", "209,715,200 bytes")


def test_a_lock_that_is_a_pipe_is_named(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    lock = ws / "schedules" / ".lock"
    lock.unlink(missing_ok=True)
    os.mkfifo(lock)
    refused(run("plan", ws, "--day", DAY), ".lock", "is not a regular file")


@pytest.mark.parametrize("typed", ["09:30Z", "09:30+05:00"])
def test_a_time_of_day_with_an_offset_is_refused(tmp_path: Path, typed: str) -> None:
    ws, _ = planned(tmp_path)
    refused(run("replan", ws, "--day", DAY, "--now", typed), f"--now {typed}", "without an offset")


def test_a_version_folder_whose_range_runs_backwards_is_not_one(tmp_path: Path) -> None:
    ws, path = planned(tmp_path)
    backwards = ws / "schedules" / "v002-2018-11-07_to_2018-11-05"
    backwards.mkdir()
    (backwards / "rota.json").write_bytes(path.read_bytes())
    for args in (["history", ws, "--day", DAY], ["digest", ws, "--day", DAY]):
        result = run(*args)
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "version 2" not in run("history", ws, "--day", DAY).output


def test_a_password_file_under_an_unknown_home_is_refused(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    data = yaml.safe_load((ws / "conference.yaml").read_text())
    data["publish"] = {"caldav": "https://cal.example.org/", "user": "coord",
                       "password_file": "~nobody-such-user-xyz/pw"}  # fmt: skip
    (ws / "conference.yaml").write_text(yaml.safe_dump(data))
    refused(run("publish", ws, "--day", DAY), "password_file", "no such home folder")


def test_schedules_that_is_a_file_names_no_option_never_given(tmp_path: Path) -> None:
    ws = small(tmp_path)
    (ws / "schedules").write_text("notes\n")
    message = refused(run("plan", ws, "--day", DAY), "schedules is a file")
    assert "--out" not in message


@pytest.mark.parametrize("name", [os.fsdecode(b"ws\xff"), "wsA\u202eB", "ws\tB"])
def test_a_workspace_folder_with_an_odd_name_plans_and_plans_again(
    tmp_path: Path, name: str
) -> None:
    """Found by an attacker: a folder named with bytes that are not UTF-8 was a traceback
    (leaving store.json behind), and one named with a tab or U+202E wrote a store.json
    every later run refused."""
    ws = write_workspace(tmp_path / name, [person("ana")], [meeting("a", "09:00", "10:00")])
    for _ in range(2):
        result = run("plan", ws, "--day", DAY, "--quiet")
        assert result.exit_code == 0 and "Traceback" not in result.output, result.output
        assert "\t" not in result.output and "\u202e" not in result.output
    assert run("history", ws, "--day", DAY).exit_code == 0


def test_options_that_are_not_utf8_are_refused_naming_them(tmp_path: Path) -> None:
    ws = small(tmp_path)
    before = files_under(ws), (ws / "meetings.yaml").read_bytes()
    refused(run("add-meeting", ws, "--title", os.fsdecode(b"X\xff"), "--start", f"{DAY} 13:00",
                "--end", f"{DAY} 14:00"), "--title: not UTF-8 text")  # fmt: skip
    assert (files_under(ws), (ws / "meetings.yaml").read_bytes()) == before
    refused(run("init", tmp_path / "new", "--name", os.fsdecode(b"X\xff"), "--timezone", "UTC",
                "--start", DAY, "--end", DAY), "--name: not UTF-8 text")  # fmt: skip
    assert not (tmp_path / "new").exists()


def test_a_path_given_on_the_command_line_is_printed_without_controls(tmp_path: Path) -> None:
    ws, _ = planned(tmp_path)
    into = tmp_path / "x\x1b]0;PWNED\x07"
    result = run("ical", ws, "--into", into)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert into.is_dir()  # written where asked, only shown safely


def test_a_version_copied_in_from_another_workspace_is_refused(tmp_path: Path) -> None:
    """Found by an attacker: a version folder of another workspace, copied or linked into
    this one's schedules, was listed as this workspace's and its digest shown as ours."""
    import shutil

    ws, _ = planned(tmp_path / "this")
    _, theirs = planned(tmp_path / "other")
    planted = ws / "schedules" / f"v002-{DAY}"
    shutil.copytree(theirs.parent, planted)
    for args in (["history", ws, "--day", DAY], ["digest", ws, "--day", DAY]):
        refused(run(*args), str(planted / "rota.json"), "belongs to another workspace")
