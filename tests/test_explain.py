"""Every uncovered meeting gets a reason a coordinator can act on."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from checker import check_rota
from workspaces import meeting, person, workspace

from coverage.hard_rules import HARD_RULES, HardRule
from coverage.plan import FixedAssignment, PlanOptions, plan

NOV5 = date(2018, 11, 5)


def reason_for(
    tmp_path: Path,
    people: list[dict[str, Any]],
    meetings: list[dict[str, Any]],
    target: str,
    rules: dict[str, Any] | None = None,
    history: list[FixedAssignment] | None = None,
    days: list[date] | None = None,
) -> dict[str, Any]:
    ws = workspace(tmp_path, people, meetings, rules)
    rota = plan(ws, days or [NOV5], history or [], PlanOptions(time_limit=10)).to_dict()
    assert check_rota(ws, rota) == []
    (found,) = [u for u in rota["uncovered"] if u["meeting"] == target]
    assert found["message"]
    return found


def test_closed(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path, [person("ana")], [meeting("m", "10:00", "11:00", access="closed")], "m"
    )
    assert found["reason"] == "closed"


def test_member_states_without_any_delegate(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path, [person("ana")], [meeting("m", "10:00", "11:00", access="member_states")], "m"
    )
    assert found["reason"] == "no_access" and "national delegation" in found["message"]


def test_listed_delegations_without_any_delegate(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana", delegation="BRA")],
        [meeting("m", "10:00", "11:00", access="delegations", delegations=["KEN", "GHA"])],
        "m",
    )
    assert found["reason"] == "no_access" and "KEN, GHA" in found["message"]


def test_not_enough_expertise(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana", expertise={"privacy": 1})],
        [meeting("m", "10:00", "11:00", min_expertise=3)],
        "m",
    )
    assert found["reason"] == "no_expertise" and "level 3" in found["message"]


def test_nobody_available(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana", available_from="2018-11-05 12:00")],
        [meeting("m", "10:00", "11:00")],
        "m",
    )
    assert found["reason"] == "not_available" and "Ana" in found["message"]


def test_committed_elsewhere_names_the_meetings(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana")],
        [meeting("big", "10:00", "12:00", priority=5), meeting("small", "11:00", "12:00")],
        "small",
    )
    assert found["reason"] == "committed_elsewhere"
    assert found["committed_to"] == ["big"] and "Meeting big" in found["message"]
    assert [o["rule"] for o in found["obstacles"]] == ["changeover"]


def test_duty_hours_named(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana")],
        [meeting("a", "09:00", "13:00", priority=5), meeting("b", "14:00", "17:00")],
        "b",
        {"max_duty_hours": 6},
    )
    assert found["reason"] == "rule_conflict" and "max_duty_hours" in found["message"]
    assert [o["rule"] for o in found["obstacles"]] == ["duty"]


def test_late_nights_named(tmp_path: Path) -> None:
    nights = [
        meeting(
            f"n{d}", f"2018-11-0{d} 22:00", f"2018-11-0{d + 1} 01:00", priority=5 if d < 7 else 1
        )
        for d in (5, 6, 7)
    ]
    found = reason_for(
        tmp_path,
        [person("ana")],
        nights,
        "n7",
        {"max_late_nights_in_a_row": 2},
        days=[date(2018, 11, 5), date(2018, 11, 6), date(2018, 11, 7)],
    )
    assert found["reason"] == "rule_conflict" and "max_late_nights_in_a_row" in found["message"]
    assert [o["rule"] for o in found["obstacles"]] == ["late_nights"]


def test_rest_against_published_history_named(tmp_path: Path) -> None:
    people = [person("ana")]
    meetings = [
        meeting("late", "2018-11-06 00:00", "2018-11-06 02:00"),
        meeting("early", "2018-11-06 08:30", "2018-11-06 10:00"),
    ]
    ws = workspace(tmp_path / "probe", people, meetings)
    late = ws.meeting("late")
    history = [FixedAssignment("late", "ana", NOV5, late.start, late.end)]
    found = reason_for(
        tmp_path / "ws",
        people,
        meetings,
        "early",
        {"min_rest_hours": 7},
        history,
        days=[date(2018, 11, 6)],
    )
    assert found["reason"] == "rule_conflict"
    assert found["obstacles"][0]["rule"] == "rest" and "min_rest_hours" in found["message"]


def test_rest_within_the_plan_named(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana")],
        [
            meeting("night", "2018-11-05 22:00", "2018-11-06 01:00", priority=5),
            meeting("morning", "2018-11-06 08:00", "2018-11-06 09:00"),
        ],
        "morning",
        {"min_rest_hours": 9},
        days=[NOV5, date(2018, 11, 6)],
    )
    assert found["reason"] == "rule_conflict" and "min_rest_hours" in found["message"]
    assert [o["rule"] for o in found["obstacles"]] == ["rest"]
    assert found["obstacles"][0]["meetings"] == ["night"]


# A case above for every hard rule that can leave a meeting with nobody, checking that the
# rule is named for it: a rule added to coverage.hard_rules without one fails here.
def test_meetings_per_day_named(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana", max_meetings_per_day=1)],
        [meeting("a", "09:00", "10:00", priority=5), meeting("b", "14:00", "15:00")],
        "b",
    )
    assert found["reason"] == "rule_conflict" and "max_meetings_per_day" in found["message"]
    assert [o["rule"] for o in found["obstacles"]] == ["meetings_per_day"]


def test_own_hours_are_availability(tmp_path: Path) -> None:
    found = reason_for(
        tmp_path,
        [person("ana", earliest="10:00", latest="23:00")],
        [meeting("early", "09:00", "10:30"), meeting("late", "22:30", "23:30")],
        "late",
    )
    assert found["reason"] == "not_available" and "Ana" in found["message"]


EXPLAINED_BY = {
    "changeover": test_committed_elsewhere_names_the_meetings,
    "duty": test_duty_hours_named,
    "late_nights": test_late_nights_named,
    "meetings_per_day": test_meetings_per_day_named,
    "rest": test_rest_within_the_plan_named,
}


def test_every_hard_rule_is_explained() -> None:
    assert {r.name for r in HARD_RULES if r.can_leave_uncovered} == set(EXPLAINED_BY)
    for rule in HARD_RULES:  # and each explains with its own name
        assert type(rule).obstacle is not HardRule.obstacle
        assert type(rule).constrain is not HardRule.constrain
