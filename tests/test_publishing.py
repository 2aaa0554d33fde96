"""Planning through the CLI: versions are never overwritten, published days are history,
the same input and seed give the same rota, and the example plans a valid rota."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from checker import check_rota
from click.testing import CliRunner
from workspaces import meeting, person, write_workspace

from coverage.cli import main
from coverage.domain import Workspace
from coverage.io import load_workspace
from coverage.plan import PlanOptions, plan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plenipot2018"


def run_plan(workspace: Path, out: Path, *days: str) -> Path:
    args = ["plan", str(workspace), "--out", str(out), "--quiet"]
    args += ["--day", days[0]] if len(days) == 1 else ["--from", days[0], "--to", days[1]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip().splitlines()[-1])
    assert path.name == "rota.json" and path.is_file()
    return path


def late_and_early(tmp_path: Path) -> Path:
    """Ana alone; a meeting until 02:00 on the night of the 5th, one at 08:30 on the 6th."""
    return write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [
            meeting("late", "2018-11-06 00:00", "2018-11-06 02:00", priority=3),
            meeting("early", "2018-11-06 08:30", "2018-11-06 10:00"),
        ],
        {"min_rest_hours": 7},
    )


def test_versions_are_numbered_and_never_overwritten(tmp_path: Path) -> None:
    ws = late_and_early(tmp_path)
    first = run_plan(ws, tmp_path / "out", "2018-11-05")
    before = first.read_bytes()
    second = run_plan(ws, tmp_path / "out", "2018-11-05")
    assert first != second
    assert first.parent.name.startswith("v001-") and second.parent.name.startswith("v002-")
    assert first.read_bytes() == before
    assert (second.parent / "rota.md").is_file()
    assert json.loads(second.read_text())["run"]["version"] == 2


def test_published_days_are_fixed_history(tmp_path: Path) -> None:
    ws = late_and_early(tmp_path)
    night = json.loads(run_plan(ws, tmp_path / "out", "2018-11-05").read_text())
    assert [(a["meeting"], a["attendee"]) for a in night["assignments"]] == [("late", "ana")]
    morning = json.loads(run_plan(ws, tmp_path / "out", "2018-11-06").read_text())
    assert morning["assignments"] == []
    assert [f["meeting"] for f in morning["fixed"]] == ["late"]
    (reason,) = morning["uncovered"]
    assert reason["reason"] == "rule_conflict" and "rest" in reason["message"]
    assert check_rota(load_workspace(ws), morning) == []


def test_planning_the_range_jointly_chooses_across_days(tmp_path: Path) -> None:
    ws = late_and_early(tmp_path)
    both = json.loads(run_plan(ws, tmp_path / "out", "2018-11-05", "2018-11-06").read_text())
    assert [a["meeting"] for a in both["assignments"]] == ["late"]
    assert both["days"] == ["2018-11-05", "2018-11-06"]


def test_same_input_and_seed_give_the_same_rota(tmp_path: Path) -> None:
    one = json.loads(run_plan(EXAMPLE, tmp_path / "a", "2018-11-05").read_text())
    two = json.loads(run_plan(EXAMPLE, tmp_path / "b", "2018-11-05").read_text())
    one.pop("run"), two.pop("run")
    assert one == two


def test_the_example_day_is_valid_and_proven(tmp_path: Path) -> None:
    rota = json.loads(run_plan(EXAMPLE, tmp_path / "out", "2018-11-05").read_text())
    assert check_rota(load_workspace(EXAMPLE), rota) == []
    assert rota["solver"]["status"] == "OPTIMAL"
    assert all(s["optimal"] and s["value"] == s["bound"] for s in rota["scores"])
    people = {a["id"]: a for a in rota["attendees"]}
    assert all("email" not in a and "phone" not in a for a in people.values())
    (markdown,) = (tmp_path / "out").glob("*/rota.md")
    assert "@" not in markdown.read_text()  # no e-mail address in the published Markdown


def test_terminal_output_ends_with_the_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["plan", str(EXAMPLE), "--day", "2018-10-29", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert Path(lines[-1]).is_file()
    assert any("coverage" in line for line in lines)


def test_solving_twice_in_a_row_gives_the_same_rota() -> None:
    ws = load_workspace(EXAMPLE)
    days = [date(2018, 11, 13)]
    first = plan(ws, days, [], PlanOptions(seed=3))
    second = plan(ws, days, [], PlanOptions(seed=3))
    assert first.assignments == second.assignments
    assert [t.value for t in first.tiers] == [t.value for t in second.tiers]


def test_the_input_digest_is_of_the_bytes_read_not_of_the_files_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit made just after the workspace was read (or during a long solve) is not the
    input of that rota: the digest is of the bytes the plan was made from."""
    import hashlib

    from coverage import io, usecases

    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [meeting("a", "10:00", "11:00"), meeting("b", "10:30", "12:00")],
    )
    names = ("conference.yaml", "attendees.yaml", "meetings.yaml")
    before = {n: (ws / n).read_bytes() for n in names}
    read = io.load_workspace

    def read_then_edit(folder: Path) -> Workspace:
        workspace = read(folder)
        (ws / "meetings.yaml").write_bytes(before["meetings.yaml"] + b"# edited meanwhile\n")
        return workspace

    monkeypatch.setattr(io, "load_workspace", read_then_edit)
    outcome = usecases.plan_days(usecases.load(ws), [date(2018, 11, 5)], PlanOptions(time_limit=5))
    digest = hashlib.sha256()
    for name, raw in before.items():
        digest.update(name.encode() + b"\0" + raw + b"\0")
    assert outcome.rota.run.input_digest == "sha256:" + digest.hexdigest()
