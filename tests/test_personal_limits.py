"""Personal limits (README, "Personal limits"): `earliest`, `latest`,
`max_late_nights_in_a_row` and `max_meetings_per_day` on an attendee, over the conference's
rules for that person only. Each binds and does not bind, with the plan's coverage held to
the brute force and its rota to the independent checker; the checker itself finds each
broken limit in a hand-made rota."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from bruteforce import best_scores
from checker import check_rota
from click.testing import CliRunner
from workspaces import in_memory, meeting, pairs_rota, person, rule_problems, write_workspace

from coverage.cli import main
from coverage.domain import Workspace
from coverage.plan import PlanOptions, plan

DAYS = [date(2018, 11, 5), date(2018, 11, 6), date(2018, 11, 7)]


def covered(ws: Workspace, days: list[date]) -> set[str]:
    rota = plan(ws, days, options=PlanOptions(time_limit=10)).to_dict()
    assert check_rota(ws, rota) == []
    coverage = next(s for s in rota["scores"] if s["tier"] == "coverage")
    assert (coverage["value"], coverage["optimal"]) == (best_scores(ws, days)[0], True)
    return {a["meeting"] for a in rota["assignments"]}


def late(day: int) -> dict:
    return meeting(f"n{day}", f"2018-11-0{day} 23:00", f"2018-11-0{day + 1} 00:30")


@pytest.mark.parametrize(
    ("limits", "meetings", "days", "expected"),
    [
        # earliest before day_start is on the day itself: no restriction then
        ({"earliest": "07:00"}, [meeting("a", "08:00", "09:00")], DAYS[:1], {"a"}),
        # earliest: a meeting starting at it is in, one starting before it out
        ({"earliest": "10:00"}, [meeting("a", "09:00", "10:00")], DAYS[:1], set()),
        ({"earliest": "10:00"}, [meeting("a", "10:00", "11:00")], DAYS[:1], {"a"}),
        # latest: a meeting ending at it is in, one ending after it out
        ({"latest": "23:00"}, [meeting("a", "22:00", "23:00")], DAYS[:1], {"a"}),
        ({"latest": "23:00"}, [meeting("a", "22:30", "23:30")], DAYS[:1], set()),
        # latest before day_start is the next morning of the conference day
        ({"latest": "01:00"}, [meeting("a", "23:30", "2018-11-06 00:45")], DAYS[:1], {"a"}),
        ({"latest": "01:00"}, [meeting("a", "2018-11-06 00:30", "2018-11-06 01:30")], DAYS[:1],
         set()),
        # late nights in a row: the person's own, under or over the conference's (2)
        ({"max_late_nights_in_a_row": 0}, [late(5)], DAYS[:1], set()),
        ({"max_late_nights_in_a_row": 3}, [late(5), late(6), late(7)], DAYS, {"n5", "n6", "n7"}),
        ({}, [late(5), late(6), late(7)], DAYS, {"n5", "n6"}),
        # meetings a day
        (
            {"max_meetings_per_day": 2},
            [meeting("a", "09:00", "10:00", priority=3), meeting("b", "11:00", "12:00", priority=2),
             meeting("c", "13:00", "14:00")],
            DAYS[:1],
            {"a", "b"},
        ),
        (
            {"max_meetings_per_day": 3},
            [meeting("a", "09:00", "10:00"), meeting("b", "11:00", "12:00"),
             meeting("c", "13:00", "14:00")],
            DAYS[:1],
            {"a", "b", "c"},
        ),
    ],
)  # fmt: skip
def test_each_limit_binds_and_does_not_bind(
    limits: dict, meetings: list[dict], days: list[date], expected: set[str]
) -> None:
    ws = in_memory([person("ana", **limits)], meetings)
    if expected == {"n5", "n6"}:  # the conference's rule alone: which two is the solver's
        assert len(covered(ws, days)) == 2
        return
    assert covered(ws, days) == expected


@pytest.mark.parametrize(
    ("limits", "meetings", "pairs", "says"),
    [
        ({"earliest": "10:00"}, [meeting("a", "09:00", "10:00")], [("ana", "a")], "earliest"),
        ({"latest": "01:00"}, [meeting("a", "2018-11-06 00:30", "2018-11-06 01:30")],
         [("ana", "a")], "latest"),
        ({"max_meetings_per_day": 1},
         [meeting("a", "09:00", "10:00"), meeting("b", "11:00", "12:00")],
         [("ana", "a"), ("ana", "b")], "max 1 a day"),
        ({"max_late_nights_in_a_row": 1}, [late(5), late(6)], [("ana", "n5"), ("ana", "n6")],
         "late nights in a row"),
    ],
)  # fmt: skip
def test_the_checker_finds_each_broken_limit(
    limits: dict, meetings: list[dict], pairs: list[tuple[str, str]], says: str
) -> None:
    ws = in_memory([person("ana", **limits)], meetings)
    found = rule_problems(ws, pairs_rota(ws, DAYS, pairs))
    assert any(says in problem for problem in found), found
    unlimited = in_memory([person("ana")], meetings)
    assert rule_problems(unlimited, pairs_rota(unlimited, DAYS, pairs)) == []


def test_limits_are_validated_with_their_place(tmp_path: Path) -> None:
    for limits, field in (
        ({"earliest": "25:00"}, "earliest"),
        ({"earliest": 600}, "earliest"),  # what some YAML readers make of 10:00
        ({"earliest": "10:00+04:00"}, "earliest"),  # an offset: read in conference time
        ({"latest": "23:00:30"}, "latest"),  # to the minute
        ({"latest": "09:00", "earliest": "10:00"}, "latest"),
        ({"max_meetings_per_day": 0}, "max_meetings_per_day"),
        ({"max_late_nights_in_a_row": -1}, "max_late_nights_in_a_row"),
    ):
        ws = write_workspace(tmp_path / field, [person("ana", **limits)], [])
        result = CliRunner().invoke(main, ["check", str(ws)])
        assert result.exit_code == 2, result.output
        assert "attendees.yaml" in result.output and f"field '{field}'" in result.output


def test_clock_times_in_conference_yaml_are_to_the_minute(tmp_path: Path) -> None:
    cases = (("day_start", 28800), ("day_end", "03:00+04:00"), ("day_start", "8"))
    for n, (field, value) in enumerate(cases):
        ws = write_workspace(tmp_path / str(n), [person("ana")], [], **{field: value})
        result = CliRunner().invoke(main, ["check", str(ws)])
        assert result.exit_code == 2 and f"field '{field}'" in result.output, result.output
    rules = {"late_night_after": "00:00+04:00"}
    ws = write_workspace(tmp_path / "late", [person("ana")], [], rules=rules)
    result = CliRunner().invoke(main, ["check", str(ws)])
    assert result.exit_code == 2 and "late_night_after" in result.output, result.output
