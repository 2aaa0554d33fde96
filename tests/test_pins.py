"""Pins (`pinned:` on a meeting, `rota pin` / `rota unpin`): a hard rule. On tiny random
workspaces with random pins, the brute force (which seats every pin) decides: when some
rota keeps every rule and every pin, the plan has every pin (the independent checker says
so) and the brute force's optimum; when none does, the plan is refused before solving,
naming the pin. Hand-made cases name each rule a pin can break."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bruteforce import best_or_none
from checker import check_rota
from click.testing import CliRunner
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from strategies import tiny_workspaces
from workspaces import meeting, person, write_workspace

from coverage.cli import main
from coverage.domain import Workspace
from coverage.errors import WorkspaceError
from coverage.explain import pin_problems
from coverage.plan import PlanOptions, plan
from coverage.problem import build_problem

SETTINGS = settings(max_examples=60)


@st.composite
def pinned_workspaces(draw: st.DrawFn) -> Workspace:
    ws = draw(tiny_workspaces())
    people = [a.id for a in ws.attendees]
    pins = draw(
        st.lists(
            st.tuples(st.sampled_from([m.id for m in ws.meetings]), st.sampled_from(people)),
            max_size=3,
            unique=True,
        )
    )
    meetings = tuple(
        m.model_copy(update={"pinned": tuple(a for mid, a in pins if mid == m.id)})
        for m in ws.meetings
    )
    return ws.model_copy(update={"meetings": meetings})


@SETTINGS
@given(pinned_workspaces())
def test_pins_are_kept_or_refused_as_the_brute_force_says(ws: Workspace) -> None:
    days = ws.conference.days()
    best = best_or_none(ws, days)
    refused = pin_problems(ws, build_problem(ws, days))
    if best is None:
        assert refused
        with pytest.raises(WorkspaceError) as error:
            plan(ws, days, options=PlanOptions(time_limit=20))
        assert all(p.field == "pinned" and "cannot pin" in p.message for p in error.value.problems)
        return
    assert not refused
    rota = plan(ws, days, options=PlanOptions(time_limit=20)).to_dict()
    assert check_rota(ws, rota) == []  # every rule, every pin (the checker's own reading)
    scores = {s["tier"]: s for s in rota["scores"]}
    assert (scores["coverage"]["value"], scores["depth"]["value"]) == best
    assert scores["coverage"]["optimal"] and scores["depth"]["optimal"]
    if currently_in_test_context():
        event("pinned" if any(m.pinned for m in ws.meetings) else "no pins")


# --- Each rule a pin can break, named --------------------------------------------------------

DAY = "2018-11-05"


def refused(tmp_path: Path, people: list[dict], meetings: list[dict], *plan_args: str) -> str:
    ws = write_workspace(tmp_path / "ws", people, meetings, rules={"max_duty_hours": 3})
    result = CliRunner().invoke(main, ["plan", str(ws), *(plan_args or ("--day", DAY)), "--quiet"])
    assert result.exit_code == 2, result.output
    assert not (ws / "schedules").exists() or not any((ws / "schedules").glob("v*"))
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize(
    ("people", "meetings", "rule"),
    [
        (  # two meetings at once
            [person("ana")],
            [
                meeting("a", "09:00", "10:00", pinned=["ana"]),
                meeting("b", "09:30", "10:30", pinned=["ana"]),
            ],
            "(changeover)",
        ),
        (  # 15 minutes between rooms is too little
            [person("ana")],
            [
                meeting("a", "09:00", "10:00", pinned=["ana"]),
                meeting("b", "10:05", "11:00", pinned=["ana"]),
            ],
            "(changeover)",
        ),
        (  # four hours of pins, three allowed
            [person("ana")],
            [
                meeting("a", "09:00", "11:00", pinned=["ana"]),
                meeting("b", "12:00", "14:00", pinned=["ana"]),
            ],
            "(duty)",
        ),
        (  # two pins, one seat
            [person("ana"), person("ben")],
            [meeting("a", "09:00", "10:00", pinned=["ana", "ben"])],
            "(seats)",
        ),
        (  # member states only, and ana has no seat
            [person("ana")],
            [meeting("a", "09:00", "10:00", access="member_states", pinned=["ana"])],
            "(access)",
        ),
        (
            [person("ana", unavailable=[{"start": "2018-11-05 08:00", "end": "2018-11-05 12:00"}])],
            [meeting("a", "09:00", "10:00", pinned=["ana"])],
            "(availability)",
        ),
        (
            [person("ana", expertise={"ai": 3})],
            [meeting("a", "09:00", "10:00", min_expertise=2, pinned=["ana"])],
            "(expertise)",
        ),
    ],
)
def test_a_pin_that_breaks_a_rule_is_refused_naming_it(
    tmp_path: Path, people: list[dict], meetings: list[dict], rule: str
) -> None:
    output = refused(tmp_path, people, meetings)
    assert "meetings.yaml" in output and "field 'pinned'" in output and rule in output
    assert "cannot pin" in output


def test_pins_over_days_name_rest_and_late_nights(tmp_path: Path) -> None:
    late = [
        meeting(f"n{d}", f"2018-11-0{d} 23:00", f"2018-11-0{d + 1} 00:30", pinned=["ana"])
        for d in (5, 6, 7)
    ]
    output = refused(tmp_path, [person("ana")], late, "--from", "2018-11-05", "--to", "2018-11-07")
    assert "(late_nights)" in output
    rest = [
        meeting("late", "2018-11-05 23:30", "2018-11-06 02:00", pinned=["ana"]),
        meeting("early", "2018-11-06 08:00", "2018-11-06 09:00", pinned=["ana"]),
    ]
    output = refused(
        tmp_path / "2", [person("ana")], rest, "--from", "2018-11-05", "--to", "2018-11-06"
    )
    assert "(rest)" in output


def test_a_pin_on_a_cancelled_meeting_is_void(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [meeting("a", "09:00", "10:00", status="cancelled", pinned=["ana"])],
    )
    result = CliRunner().invoke(main, ["plan", str(ws), "--day", DAY, "--quiet"])
    assert result.exit_code == 0, result.output


def test_pin_unpin_and_replan_keeps_the_pin(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", expertise={"privacy": 3}), person("ben", expertise={"privacy": 1})],
        [meeting("a", "09:00", "10:00", priority=5), meeting("b", "15:00", "16:00", priority=1)],
    )
    runner = CliRunner()
    first = runner.invoke(main, ["plan", str(ws), "--day", DAY, "--quiet"])
    assert first.exit_code == 0, first.output
    v1 = json.loads(Path(first.stdout.strip().splitlines()[-1]).read_text())
    on_a = {x["attendee"] for x in v1["assignments"] if x["meeting"] == "a"}
    other = ({"ana", "ben"} - on_a).pop()
    before = (ws / "meetings.yaml").read_bytes()
    done = runner.invoke(main, ["pin", str(ws), "a", other])
    assert done.exit_code == 0 and f"pinned {other} to meeting a" in done.stdout
    text = (ws / "meetings.yaml").read_text()
    assert f"pinned: [{other}]" in text
    again = runner.invoke(main, ["replan", str(ws), "--day", DAY, "--now", "08:00", "--quiet"])
    assert again.exit_code == 0, again.output
    v2 = json.loads(Path(again.stdout.strip().splitlines()[-1]).read_text())
    assert other in {x["attendee"] for x in v2["assignments"] if x["meeting"] == "a"}
    from coverage.io import load_workspace

    assert check_rota(load_workspace(ws), v2) == []
    assert runner.invoke(main, ["unpin", str(ws), "a", other]).exit_code == 0
    assert (ws / "meetings.yaml").read_bytes() == before  # the key goes with its last pin
    nothing = runner.invoke(main, ["unpin", str(ws), "a", other])
    assert nothing.exit_code == 0 and "nothing changed" in nothing.stdout
    unknown = runner.invoke(main, ["pin", str(ws), "a", "zed"])
    assert unknown.exit_code == 2 and "unknown attendee id 'zed'" in unknown.output
    assert (ws / "meetings.yaml").read_bytes() == before


def test_a_refused_first_plan_leaves_no_folder_of_versions(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws", [person("ana")],
        [meeting("a", "09:00", "10:00", access="member_states", pinned=["ana"])],
    )  # fmt: skip
    result = CliRunner().invoke(main, ["plan", str(ws), "--day", DAY, "--quiet"])
    assert result.exit_code == 2 and not (ws / "schedules").exists()


def test_rota_pin_refuses_a_pin_the_rules_refuse_at_once(tmp_path: Path) -> None:
    # Ana is pinned to a; a second pin an hour later, at 10:05 with 15 minutes of
    # changeover, cannot hold: `rota pin` says so, naming the rule, and writes nothing
    # (it used to write the pin and leave the refusal to the next plan).
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [meeting("a", "09:00", "10:00", pinned=["ana"]), meeting("b", "10:05", "11:00")],
    )
    before = (ws / "meetings.yaml").read_bytes()
    result = CliRunner().invoke(main, ["pin", str(ws), "b", "ana"])
    assert result.exit_code == 2, result.output
    assert "cannot pin ana" in result.output and "(changeover)" in result.output
    assert (ws / "meetings.yaml").read_bytes() == before
    assert not (ws / "schedules").exists()


def test_rota_pin_names_the_new_pin_and_only_it(tmp_path: Path) -> None:
    # Ana pinned at 15:00-17:00; a new pin at 09:00-11:30 breaks her 3 h of duty: the
    # refusal names the new pin (meeting 'b'), not the one already there and valid; a
    # second person pinned to a one-seat meeting gives one line, about the new pin.
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana", max_duty_hours=3), person("ben")],
        [meeting("a", "15:00", "17:00", pinned=["ana"]), meeting("b", "09:00", "11:30")],
    )
    runner = CliRunner()
    result = runner.invoke(main, ["pin", str(ws), "b", "ana"])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert "meeting 'b'" in line and "cannot pin ana" in line and "(duty)" in line
    seats = runner.invoke(main, ["pin", str(ws), "a", "ben"])
    assert seats.exit_code == 2, seats.output
    (line,) = seats.output.strip().splitlines()
    assert "cannot pin ben" in line and "(seats)" in line


def test_unpin_refuses_an_unknown_attendee(tmp_path: Path) -> None:
    ws = write_workspace(
        tmp_path / "ws", [person("ana")], [meeting("a", "09:00", "10:00", pinned=["ana"])]
    )
    before = (ws / "meetings.yaml").read_bytes()
    result = CliRunner().invoke(main, ["unpin", str(ws), "a", "x\ry\x07z"])
    assert result.exit_code == 2
    assert "unknown attendee id" in result.output
    assert "\r" not in result.output and "\x07" not in result.output
    assert (ws / "meetings.yaml").read_bytes() == before


def test_pin_in_a_spreadsheet_workspace_names_the_spreadsheet(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", [person("ana")], [meeting("a", "09:00", "10:00")])
    (ws / "meetings.yaml").unlink()
    (ws / "meetings.csv").write_text("id,title,start,end\na,A,2018-11-05 09:00,2018-11-05 10:00\n")
    for target in ("a", "nosuch"):
        result = CliRunner().invoke(main, ["pin", str(ws), target, "ana"])
        assert result.exit_code == 2, result.output
        assert "meetings.csv" in result.output and "meetings.yaml:" not in result.output


def test_an_overlong_id_is_named_shortly_in_characters(tmp_path: Path) -> None:
    # A 5,000-character attendee id: one line, "characters" (pydantic said "items"), and
    # the record it is on is not quoted whole.
    ws = write_workspace(tmp_path / "ws", [person("ana")], [meeting("a", "09:00", "10:00")])
    result = CliRunner().invoke(main, ["pin", str(ws), "a", "x" * 5000])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "field 'pinned.0': at most 80 characters (this one has 5000)" in line
    assert len(line) < 400
    people = ws / "attendees.yaml"
    people.write_text(people.read_text().replace("id: ana", "id: " + "b" * 5000))
    result = CliRunner().invoke(main, ["check", str(ws)])
    assert result.exit_code == 2
    assert all(len(line) < 400 for line in result.output.splitlines())
    assert "an id has at most 80 characters" in result.output


def test_rota_pin_judges_a_pin_with_the_unpublished_days_around_it(tmp_path: Path) -> None:
    # Ana pinned late on the 5th; a pin at 08:00 on the 6th leaves her less than the rest
    # the rules ask: refused now (it used to be accepted, and the two days' plan refused).
    ws = write_workspace(
        tmp_path / "ws",
        [person("ana")],
        [
            meeting("late", "2018-11-05 23:30", "2018-11-06 02:00", pinned=["ana"]),
            meeting("early", "2018-11-06 08:00", "2018-11-06 09:00"),
        ],
    )
    before = (ws / "meetings.yaml").read_bytes()
    result = CliRunner().invoke(main, ["pin", str(ws), "early", "ana"])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert "meeting 'early'" in line and "(rest)" in line
    assert (ws / "meetings.yaml").read_bytes() == before
