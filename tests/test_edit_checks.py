"""An edit of a workspace known valid checks only what it wrote (coverage.io.known_valid,
`check_edited_meetings`, `check_edited_attendees`): the same edits, hostile ones included,
must end exactly as when the whole workspace is checked (same messages, same bytes
written), and the shortcut must be taken when it can and never when the files changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_edit import ATTENDEES, MEETINGS
from workspaces import write_workspace

import coverage.edit
from coverage.cli import main
from coverage.io import load_workspace

settings.register_profile("edits", parent=settings.get_profile("rota"), max_examples=120)
ADD = ["add-meeting", "--title", "A", "--start", "2018-11-05 15:00", "--end", "2018-11-05 16:00"]

TIMES = st.sampled_from(
    ["2018-11-05 09:00", "2018-11-05 10:30", "2018-11-06 23:30", "2018-11-09 10:00",
     "2018-11-05T11:00", "10:00", "2018-13-01 10:00", "", "2018-11-05 10:00+04:00",
     "2018-11-05"]
)  # fmt: skip
TEXT = st.sampled_from(
    ["Informal", "Res. 130: \"ad hoc\" #2", "a\tb", "- item", "x: y", "{not: a map}", "'",
     "Réunion — 会議", "null", "\u202eevil", "   ", "&anchor *alias", "line\nbreak"]
)  # fmt: skip
IDS = st.sampled_from(["m1", "m2", "new", "bad id", "2018-11-05-x", "ok-1", ""])
WORDS = st.sampled_from(["privacy", "ai", "unknown", "", "privacy,ai", "ana", "zed", "BRA"])


def _add_args() -> st.SearchStrategy[list[str]]:
    optional = {
        "--id": IDS,
        "--kind": st.sampled_from(["plenary", "working_group", "lunch", ""]),
        "--room": TEXT,
        "--issues": WORDS,
        "--access": st.sampled_from(["open", "member_states", "delegations", "invited"]),
        "--delegations": WORDS,
        "--priority": st.sampled_from(["1", "3", "9", "0", "x"]),
        "--seats": st.sampled_from(["1", "2", "0", "-1"]),
        "--status": st.sampled_from(["confirmed", "tentative", "cancelled", "maybe"]),
        "--assigned": WORDS,
    }

    @st.composite
    def build(draw: st.DrawFn) -> list[str]:
        args = ["--title", draw(TEXT), "--start", draw(TIMES), "--end", draw(TIMES)]
        for name in sorted(optional):
            if draw(st.integers(0, 3)) == 0:  # each option in one add of four
                args += [name, draw(optional[name])]
        return args

    return build()


def _edits() -> st.SearchStrategy[list[str]]:
    meeting = st.sampled_from(["m1", "m2", "m3", "nope"])
    return st.one_of(
        _add_args().map(lambda args: ["add-meeting", *args]),
        st.tuples(meeting, TIMES, TIMES).map(
            lambda t: ["move-meeting", t[0], "--start", t[1], "--end", t[2]]
        ),
        st.tuples(meeting, TIMES).map(lambda t: ["move-meeting", t[0], "--end", t[1]]),
        meeting.map(lambda m: ["cancel-meeting", m]),
        st.tuples(st.sampled_from(["ana", "ben", "zed"]), TIMES, TIMES, TEXT).map(
            lambda t: ["unavailable", t[0], "--from", t[1], "--to", t[2], "--reason", t[3]]
        ),
    )


def _workspace(folder: Path) -> Path:
    write_workspace(folder, [], [])
    (folder / "meetings.yaml").write_text(MEETINGS, encoding="utf-8")
    (folder / "attendees.yaml").write_text(ATTENDEES, encoding="utf-8")
    return folder


def _run(folder: Path, edit: list[str], marks: Path) -> tuple[int, str, dict[str, bytes]]:
    """The edit on `folder`, with the marks of valid workspaces in `marks`: exit code,
    output (with the folder's name made the same), and the files after."""
    os.environ["XDG_CACHE_HOME"] = str(marks)
    result = CliRunner().invoke(main, [edit[0], str(folder), *edit[1:]])
    output = result.output.replace(str(folder), "WS")
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    return result.exit_code, output, files


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two copies of a valid workspace written by hand (comments, mixed quoting), and no
    mark of a valid workspace yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return _workspace(tmp_path / "a"), _workspace(tmp_path / "b")


@settings(settings.get_profile("edits"))
@given(edits=st.lists(_edits(), min_size=1, max_size=3))
@example(edits=[[*ADD, "--id", "m1"]])  # an id another meeting has
@example(edits=[[*ADD, "--id", "x"], [*ADD, "--id", "x"]])  # ... or an earlier edit gave
@example(edits=[[*ADD, "--assigned", "zed"]])  # nobody of that id
@example(edits=[[*ADD, "--issues", "unknown"]])
@example(
    edits=[
        ["add-meeting", "--title", "A", "--start", "2018-11-09 10:00", "--end", "2018-11-09 11:00"]
    ]
)  # after the conference
@example(edits=[["move-meeting", "m2", "--start", "2018-11-09 10:00", "--end", "2018-11-09 11:00"]])
@example(edits=[["unavailable", "ana", "--from", "2018-11-05 12:00", "--to", "2018-11-05 11:00"]])
@example(edits=[[*ADD, "--title", "x: y\n- id: m1"]])  # a title that would be a record
def test_checking_only_the_edit_ends_as_checking_everything(
    tmp_path_factory: pytest.TempPathFactory, edits: list[list[str]]
) -> None:
    root = tmp_path_factory.mktemp("edits")
    quick, whole = _workspace(root / "quick"), _workspace(root / "whole")
    with_marks, without = root / "marks", root / "none"
    saved = os.environ.get("XDG_CACHE_HOME")
    try:
        os.environ["XDG_CACHE_HOME"] = str(with_marks)
        load_workspace(quick)  # leaves its mark
        for edit in edits:
            shutil.rmtree(without, ignore_errors=True)  # never a mark: checked whole
            got = _run(quick, edit, with_marks)
            expected = _run(whole, edit, without)
            assert "Traceback" not in got[1]
            assert got == expected, edit
    finally:
        if saved is not None:
            os.environ["XDG_CACHE_HOME"] = saved


def _whole_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = coverage.edit.parse_workspace

    def counted(*args: object, **kw: object) -> object:
        calls.append(1)
        return original(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(coverage.edit, "parse_workspace", counted)
    return calls


def test_a_workspace_known_valid_is_not_checked_whole(
    two: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, _ = two
    calls = _whole_checks(monkeypatch)
    runner = CliRunner()
    # Never validated whole: the first edit checks everything, and leaves the mark the
    # next ones use.
    add = ["--title", "A", "--start", "2018-11-05 15:00", "--end", "2018-11-05 16:00"]
    assert runner.invoke(main, ["add-meeting", str(ws), *add]).exit_code == 0
    assert len(calls) == 1
    for edit in (
        ["add-meeting", str(ws), *add],
        ["move-meeting", str(ws), "m1", "--start", "2018-11-05 08:30"],
        ["cancel-meeting", str(ws), "m2"],
        ["unavailable", str(ws), "ben", "--from", "2018-11-05 08:00", "--to", "2018-11-05 09:00"],
    ):
        result = runner.invoke(main, edit)
        assert result.exit_code == 0, result.output
    assert len(calls) == 1
    assert load_workspace(ws).meeting("m2").status == "cancelled"


def test_a_file_changed_by_hand_is_checked_whole(
    two: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mark is of the bytes validated: a mistake made by hand elsewhere in the file
    since is found, and nothing is written."""
    ws, _ = two
    load_workspace(ws)
    path = ws / "meetings.yaml"
    path.write_text(path.read_text().replace("priority: 3", "priority: 30", 1))
    before = path.read_bytes()
    calls = _whole_checks(monkeypatch)
    add = ["--title", "A", "--start", "2018-11-05 15:00", "--end", "2018-11-05 16:00"]
    result = CliRunner().invoke(main, ["add-meeting", str(ws), *add])
    assert result.exit_code == 2 and "priority" in result.output
    assert calls == [1] and path.read_bytes() == before
