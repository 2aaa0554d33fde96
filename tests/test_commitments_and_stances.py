"""Meetings with `assigned` attendees (bilaterals the group arranged) and delegations'
stances in the expertise tier."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checker import check_rota
from click.testing import CliRunner
from workspaces import meeting, person, workspace, write_workspace

from coverage.cli import main
from coverage.plan import PlanOptions, plan

NOV5 = date(2018, 11, 5)
OPTIONS = PlanOptions(time_limit=10)


def pairs(rota: dict) -> set[tuple[str, str]]:
    return {(a["meeting"], a["attendee"]) for a in rota["assignments"]}


def test_a_committed_attendee_is_seated_before_a_better_expert(tmp_path: Path) -> None:
    ws = workspace(
        tmp_path,
        [person("ana", expertise={"privacy": 3}), person("ben", expertise={"privacy": 1})],
        [meeting("bilateral", "10:00", "10:30", kind="bilateral", assigned=["ben"])],
    )
    rota = plan(ws, [NOV5], [], OPTIONS).to_dict()
    assert pairs(rota) == {("bilateral", "ben")}
    assert rota["scores"][0]["tier"] == "commitments" and rota["scores"][0]["value"] == 1
    assert check_rota(ws, rota) == []


def test_commitments_that_clash_are_honoured_as_far_as_the_rules_allow(tmp_path: Path) -> None:
    ws = workspace(
        tmp_path,
        [person("ana"), person("ben")],
        [
            meeting("one", "10:00", "11:00", assigned=["ana"]),
            meeting("two", "10:30", "11:30", assigned=["ana"]),
        ],
    )
    rota = plan(ws, [NOV5], [], OPTIONS).to_dict()
    commitments = rota["scores"][0]
    assert (commitments["tier"], commitments["value"], commitments["optimal"]) == (
        "commitments",
        1,
        True,
    )
    assert check_rota(ws, rota) == []


def test_without_commitments_there_is_no_such_tier(tmp_path: Path) -> None:
    ws = workspace(tmp_path, [person("ana")], [meeting("m", "10:00", "11:00")])
    rota = plan(ws, [NOV5], [], OPTIONS).to_dict()
    assert rota["scores"][0]["tier"] == "coverage"


def test_unknown_assigned_attendee_is_a_located_error(tmp_path: Path) -> None:
    folder = write_workspace(
        tmp_path / "ws", [person("ana")], [meeting("m", "10:00", "11:00", assigned=["zed"])]
    )
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 2
    assert "meetings.yaml: meeting 'm'" in result.output and "field 'assigned'" in result.output
    assert "zed" in result.output


def test_a_supportive_delegation_is_preferred(tmp_path: Path) -> None:
    # Kofi knows more, but his delegation opposes the group's position on privacy.
    ws = workspace(
        tmp_path,
        [
            person("ana", delegation="BRA", expertise={"privacy": 2}),
            person("kofi", delegation="KEN", expertise={"privacy": 3}),
        ],
        [meeting("m", "10:00", "11:00", access="member_states")],
    )
    stances = {"BRA": {"privacy": "support"}, "KEN": {"privacy": "oppose"}}
    rota = plan(ws, [NOV5], [], OPTIONS, stances=stances).to_dict()
    assert pairs(rota) == {("m", "ana")}
    assert rota["assignments"][0]["delegation_stance"] == "support"
    without = plan(ws, [NOV5], [], OPTIONS).to_dict()
    assert pairs(without) == {("m", "kofi")}


def test_stances_count_only_where_people_sit_for_their_delegation(tmp_path: Path) -> None:
    # An open meeting admits anyone from the group: there the better expert goes.
    ws = workspace(
        tmp_path,
        [
            person("ana", delegation="BRA", expertise={"privacy": 2}),
            person("kofi", delegation="KEN", expertise={"privacy": 3}),
        ],
        [meeting("m", "10:00", "11:00", access="open")],
    )
    stances = {"BRA": {"privacy": "support"}, "KEN": {"privacy": "oppose"}}
    rota = plan(ws, [NOV5], [], OPTIONS, stances=stances).to_dict()
    assert pairs(rota) == {("m", "kofi")}
    assert "delegation_stance" not in rota["assignments"][0]


def test_an_opposing_delegation_is_never_an_asset(tmp_path: Path) -> None:
    # Same expertise. BRA supports privacy but opposes AI: on a meeting about both it counts
    # as opposing, worth nothing, so KEN (leaning to support both) wins; were the support
    # on privacy counted, Ana would.
    ws = workspace(
        tmp_path,
        [
            person("ana", delegation="BRA", expertise={"privacy": 2, "ai": 2}),
            person("kofi", delegation="KEN", expertise={"privacy": 2, "ai": 2}),
        ],
        [meeting("m", "10:00", "11:00", issues=["privacy", "ai"], access="member_states")],
    )
    stances = {
        "BRA": {"privacy": "support", "ai": "oppose"},
        "KEN": {"privacy": "lean_support", "ai": "lean_support"},
    }
    rota = plan(ws, [NOV5], [], OPTIONS, stances=stances).to_dict()
    assert pairs(rota) == {("m", "kofi")}
    assert rota["assignments"][0]["delegation_stance"] == "lean_support"
