"""`rota init`: a new workspace from the conference's name, zone and dates, valid at
once, whose commented examples are valid records; never over an existing workspace."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from coverage.cli import main
from coverage.io import load_workspace

ARGS = ["--name", 'PP-18 "Dubai"', "--timezone", "Asia/Dubai", "--start", "2018-10-29",
        "--end", "2018-11-16"]  # fmt: skip


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_new_workspace_is_valid_and_says_what_comes_next(tmp_path: Path) -> None:
    folder = tmp_path / "pp18"
    done = run("init", folder, *ARGS)
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "attendees.yaml", "conference.yaml", "meetings.yaml"
    ]  # fmt: skip
    ws = load_workspace(folder)
    assert ws.conference.name == 'PP-18 "Dubai"' and ws.conference.timezone == "Asia/Dubai"
    assert len(ws.conference.days()) == 19 and not ws.attendees and not ws.meetings
    assert f"rota import {folder} programme.ics" in done.stdout
    assert run("check", folder).exit_code == 0


def test_the_commented_examples_are_valid_records(tmp_path: Path) -> None:
    folder = tmp_path / "pp18"
    assert run("init", folder, *ARGS).exit_code == 0
    for path in folder.iterdir():  # uncommented, as a user would: nothing else to change
        path.write_text(re.sub(r"^#  ", "  ", path.read_text(), flags=re.M))
    ws = load_workspace(folder)
    assert [a.id for a in ws.attendees] == ["ana-souza"] and len(ws.meetings) == 1
    planned = run("plan", folder, "--day", "2018-10-29", "--quiet")  # the examples' day
    assert planned.exit_code == 0, planned.output


def test_a_new_workspace_takes_the_editing_commands(tmp_path: Path) -> None:
    folder = tmp_path / "pp18"
    assert run("init", folder, *ARGS).exit_code == 0
    added = run("add-meeting", folder, "--title", "Plenary", "--start", "2018-10-29 09:00",
                "--end", "2018-10-29 10:00")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert [m.title for m in load_workspace(folder).meetings] == ["Plenary"]


def test_an_existing_workspace_is_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "pp18"
    folder.mkdir()
    (folder / "attendees.csv").write_text("id,name\nana,Ana\n")
    done = run("init", folder, *ARGS)
    assert done.exit_code == 2
    assert "already holds attendees.csv: nothing written" in done.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["attendees.csv"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (["--timezone", "Mars/Base"], "--timezone 'Mars/Base': unknown timezone"),
        (["--start", "2018-11-20"], "--end 2018-11-16: end 2018-11-16 is before start"),
        (["--name", "PP\x1b[2J"], "--name"),
        (["--name", " "], "--name"),
    ],
)
def test_a_conference_that_is_not_valid_is_refused_naming_the_option(
    tmp_path: Path, change: list[str], says: str
) -> None:
    args = list(ARGS)
    index = args.index(change[0])
    args[index + 1] = change[1]
    done = run("init", tmp_path / "pp18", *args)
    assert done.exit_code == 2 and "Traceback" not in done.output, done.output
    assert says in done.stderr and "nothing written" in done.stderr
    assert "\x1b" not in done.output
    assert not (tmp_path / "pp18").exists()
