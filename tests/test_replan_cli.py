"""`rota replan`, `rota history` and `rota diff` as a coordinator uses them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checker import check_rota
from click.testing import CliRunner
from workspaces import meeting, person, write_workspace

from coverage.cli import main
from coverage.io import load_workspace


def rota(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def last_path(output: str) -> Path:
    return Path(output.strip().splitlines()[-1])


def small(tmp_path: Path) -> Path:
    """Ana and Ben; three meetings on the 5th, the first at 09:00."""
    return write_workspace(
        tmp_path / "ws",
        [person("ana", delegation="BRA"), person("ben")],
        [
            meeting("morning", "09:00", "10:00", priority=2),
            meeting("noon", "12:00", "13:00"),
            meeting("evening", "18:00", "19:00"),
        ],
    )


def test_replan_with_nothing_changed_is_a_no_op(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    first = last_path(rota("plan", str(ws), "--day", "2018-11-05", "--out", str(out), "--quiet"))
    output = rota("replan", str(ws), "--day", "2018-11-05", "--now", "11:00", "--out", str(out))
    second = json.loads(last_path(output).read_text())
    assert second["replan"] == {**second["replan"], "based_on": 1, "disruption": 0, "changes": []}
    before = json.loads(first.read_text())
    assert [(a["meeting"], a["attendee"]) for a in second["assignments"]] == [
        (a["meeting"], a["attendee"]) for a in before["assignments"]
    ]
    messages = (last_path(output).parent / "messages.txt").read_text()
    assert "== To Ana ==" not in messages and "== To Ben ==" not in messages
    assert "0 people affected" in messages


def test_added_meeting_is_covered_with_least_disruption(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    first = last_path(rota("plan", str(ws), "--day", "2018-11-05", "--out", str(out), "--quiet"))
    published = first.read_bytes()
    rota(
        "add-meeting",
        str(ws),
        "--title",
        "Informal on Res. 206",
        "--start",
        "2018-11-05 15:00",
        "--end",
        "2018-11-05 16:00",
        "--issues",
        "privacy",
        "--priority",
        "3",
        "--id",
        "new",
    )
    output = rota("replan", str(ws), "--day", "2018-11-05", "--now", "14:00", "--out", str(out))
    path = last_path(output)
    new = json.loads(path.read_text())
    assert first.read_bytes() == published  # the earlier version is intact
    assert check_rota(load_workspace(ws), new) == []
    assert new["replan"]["disruption"] == 1
    (change,) = new["replan"]["changes"]
    assert change["added"] == ["new"] and change["removed"] == []
    messages = (path.parent / "messages.txt").read_text()
    assert messages.count("== To ") == 2  # the one person affected, and the group chat
    assert "+ ADDED: Informal on Res. 206, 15:00-16:00" in messages


def test_started_meetings_are_frozen_and_released_ones_explained(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    first = json.loads(
        last_path(
            rota("plan", str(ws), "--day", "2018-11-05", "--out", str(out), "--quiet")
        ).read_text()
    )
    noon = next(a["attendee"] for a in first["assignments"] if a["meeting"] == "noon")
    rota("cancel-meeting", str(ws), "morning")  # it has started: it still happened
    rota("unavailable", str(ws), noon, "--from", "2018-11-05 11:30", "--to", "2018-11-05 13:30")
    output = rota("replan", str(ws), "--day", "2018-11-05", "--now", "10:30", "--out", str(out))
    new = json.loads(last_path(output).read_text())
    frozen = [a for a in new["assignments"] if a.get("frozen")]
    assert [a["meeting"] for a in frozen] == ["morning"]
    removed = [(r["meeting"], r["why"]) for c in new["replan"]["changes"] for r in c["removed"]]
    assert ("noon", "you are not available then") in removed
    assert check_rota(load_workspace(ws), new) == []


def test_history_and_diff(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    rota("plan", str(ws), "--day", "2018-11-05", "--out", str(out), "--quiet")
    rota(
        "add-meeting",
        str(ws),
        "--title",
        "Late addition",
        "--start",
        "2018-11-05 15:00",
        "--end",
        "2018-11-05 16:00",
        "--issues",
        "privacy",
        "--id",
        "late-addition",
    )
    rota("replan", str(ws), "--day", "2018-11-05", "--now", "14:00", "--out", str(out), "--quiet")
    listing = rota("history", str(ws), "--day", "2018-11-05", "--out", str(out))
    assert "v001" in listing and "plan" in listing and "v002" in listing and "replan" in listing
    difference = rota("diff", str(ws), "1", "2", "--day", "2018-11-05", "--out", str(out))
    assert "+ 15:00-16:00 Late addition" in difference


def test_replan_without_a_published_rota_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["replan", str(small(tmp_path)), "--day", "2018-11-05", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "run `rota plan" in result.output
    assert not (tmp_path / "o").exists()


def test_a_moment_after_the_day_ended_is_refused(tmp_path: Path) -> None:
    # `--now` a year late (a slip of the keyboard): every meeting has ended, nothing can
    # change, and no version is written (one used to be, the same rota again).
    ws, out = small(tmp_path), tmp_path / "out"
    rota("plan", str(ws), "--day", "2018-11-05", "--out", str(out), "--quiet")
    before = sorted(p.name for p in out.iterdir())
    result = CliRunner().invoke(
        main,
        ["replan", str(ws), "--day", "2018-11-05", "--now", "2019-11-05 11:00", "--out", str(out)],
    )
    assert result.exit_code == 2
    assert "every meeting of 2018-11-05 has ended" in result.output
    assert "the last at 2018-11-05 19:00" in result.output
    assert sorted(p.name for p in out.iterdir()) == before
    # Until the last meeting ends, a replan is a replan.
    rota("replan", str(ws), "--day", "2018-11-05", "--now", "18:30", "--out", str(out))


def test_someone_removed_after_a_meeting_began_stays_on_it(tmp_path: Path) -> None:
    ws, out = small(tmp_path), tmp_path / "out"
    first = json.loads(
        last_path(
            rota("plan", str(ws), "--day", "2018-11-05", "--out", str(out), "--quiet")
        ).read_text()
    )
    morning = next(a["attendee"] for a in first["assignments"] if a["meeting"] == "morning")
    people = [p for p in ("ana", "ben") if p != morning]
    (ws / "attendees.yaml").write_text(
        "attendees:\n"
        + "".join(
            f"  - {{id: {p}, name: {p.title()}, expertise: {{privacy: 2}}}}\n" for p in people
        )
    )
    output = rota("replan", str(ws), "--day", "2018-11-05", "--now", "09:30", "--out", str(out))
    new = json.loads(last_path(output).read_text())
    kept = [a for a in new["assignments"] if a["meeting"] == "morning"]
    assert [(a["attendee"], a.get("frozen")) for a in kept] == [(morning, True)]
    assert morning in {p["id"] for p in new["attendees"]}


def test_a_command_reads_each_published_version_once(tmp_path: Path, monkeypatch: Any) -> None:
    from collections import Counter

    from coverage import store

    ws = write_workspace(
        tmp_path / "ws",
        [person("ana"), person("ben")],
        [
            meeting("a", "10:00", "11:00"),
            meeting("b", "2018-11-06 10:00", "2018-11-06 11:00"),
            meeting("c", "2018-11-06 12:00", "2018-11-06 13:00"),
        ],
    )
    runner = CliRunner()
    for day in ("2018-11-05", "2018-11-06", "2018-11-06"):
        done = runner.invoke(main, ["plan", str(ws), "--day", day, "--quiet"])
        assert done.exit_code == 0, done.output
    reads: Counter[Path] = Counter()
    real = store.read_rota

    def counted(path: Path) -> Any:
        reads[path] += 1
        return real(path)

    monkeypatch.setattr(store, "read_rota", counted)
    getattr(store, "_READ", {}).clear()
    args = ["replan", str(ws), "--day", "2018-11-06", "--now", "09:00", "--quiet"]
    done = runner.invoke(main, args)
    assert done.exit_code == 0, done.output
    assert reads and max(reads.values()) == 1, reads
