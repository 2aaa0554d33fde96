"""Each documented rule: one case where it binds, one where it does not.

Every rota is also passed through the independent checker (tests/checker.py)."""

from __future__ import annotations

from datetime import date

import pytest
from checker import check_rota
from workspaces import in_memory, meeting, person

from coverage.domain import Workspace
from coverage.plan import FixedAssignment, PlanOptions, plan

NOV5, NOV6, NOV7 = date(2018, 11, 5), date(2018, 11, 6), date(2018, 11, 7)


def staffed(
    ws: Workspace, days: list[date], history: list[FixedAssignment] | None = None
) -> set[tuple[str, str]]:
    """Plan, check independently, and return the (meeting, attendee) pairs."""
    rota = plan(ws, days, history or [], PlanOptions(time_limit=10)).to_dict()
    assert check_rota(ws, rota) == []
    assert all(s["optimal"] for s in rota["scores"][:2])
    return {(a["meeting"], a["attendee"]) for a in rota["assignments"]}


# --- the conference day -----------------------------------------------------------------


def test_meeting_after_midnight_belongs_to_the_previous_day() -> None:
    ws = in_memory([person("ana")], [meeting("late", "2018-11-06 01:30", "2018-11-06 02:30")])
    assert ws.conference.day_of(ws.meeting("late").start) == NOV5
    assert staffed(ws, [NOV5]) == {("late", "ana")}
    assert staffed(ws, [NOV6]) == set()


def test_meeting_at_day_end_belongs_to_the_new_day() -> None:
    ws = in_memory([person("ana")], [meeting("dawn", "2018-11-06 03:00", "2018-11-06 04:00")])
    assert ws.conference.day_of(ws.meeting("dawn").start) == NOV6


# --- eligibility ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "who", "expected"),
    [
        ({"status": "cancelled"}, {}, False),
        ({"status": "tentative"}, {}, True),
        ({"access": "closed"}, {}, False),
        ({"access": "member_states"}, {}, False),
        ({"access": "member_states"}, {"delegation": "BRA"}, True),
        ({"access": "delegations", "delegations": ["KEN", "GHA"]}, {"delegation": "BRA"}, False),
        ({"access": "delegations", "delegations": ["KEN", "BRA"]}, {"delegation": "BRA"}, True),
        ({"min_expertise": 3}, {}, False),
        ({"min_expertise": 2}, {}, True),
        ({"issues": []}, {"expertise": {}}, True),
        ({}, {"expertise": {"ai": 3}}, False),
        ({}, {"available_from": "2018-11-05 11:00"}, False),
        ({}, {"available_from": "2018-11-05 10:00"}, True),
        ({}, {"available_until": "2018-11-05 10:30"}, False),
        ({}, {"available_until": "2018-11-05"}, True),
        ({}, {"unavailable": [{"start": "2018-11-05 10:30", "end": "2018-11-05 12:00"}]}, False),
        ({}, {"unavailable": [{"start": "2018-11-05 11:00", "end": "2018-11-05 12:00"}]}, True),
    ],
)
def test_eligibility(fields: dict, who: dict, expected: bool) -> None:
    ws = in_memory([person("ana", **who)], [meeting("m", "10:00", "11:00", **fields)])
    assert (("m", "ana") in staffed(ws, [NOV5])) is expected


def test_default_min_expertise_applies_without_a_meeting_level() -> None:
    ana = person("ana", expertise={"privacy": 1})
    binding = in_memory([ana], [meeting("m", "10:00", "11:00")], {"default_min_expertise": 2})
    assert staffed(binding, [NOV5]) == set()
    loose = in_memory([ana], [meeting("m", "10:00", "11:00")], {"default_min_expertise": 1})
    assert staffed(loose, [NOV5]) == {("m", "ana")}


# --- seats ------------------------------------------------------------------------------


@pytest.mark.parametrize("seats", [1, 2])
def test_seats_cap_attendees(seats: int) -> None:
    ws = in_memory(
        [person("ana"), person("ben"), person("cy")],
        [meeting("m", "10:00", "11:00", seats=seats)],
    )
    assert len(staffed(ws, [NOV5])) == seats


# --- no overlap, with changeover --------------------------------------------------------


@pytest.mark.parametrize(("changeover", "both"), [(15, False), (10, True)])
def test_changeover_between_meetings(changeover: int, both: bool) -> None:
    ws = in_memory(
        [person("ana")],
        [meeting("a", "10:00", "11:00"), meeting("b", "11:10", "12:00")],
        {"changeover_minutes": changeover},
    )
    assert len(staffed(ws, [NOV5])) == (2 if both else 1)


def test_overlapping_meetings_need_two_people() -> None:
    meetings = [meeting("a", "10:00", "12:00"), meeting("b", "11:00", "13:00", priority=2)]
    assert staffed(in_memory([person("ana")], meetings), [NOV5]) == {("b", "ana")}
    two = in_memory([person("ana"), person("ben")], meetings)
    assert {m for m, _ in staffed(two, [NOV5])} == {"a", "b"}


# --- daily duty -------------------------------------------------------------------------


@pytest.mark.parametrize(("cap", "both"), [(6, False), (8, True)])
def test_max_duty_hours_per_day(cap: float, both: bool) -> None:
    ws = in_memory(
        [person("ana")],
        [meeting("a", "09:00", "13:00"), meeting("b", "14:00", "18:00")],
        {"max_duty_hours": cap},
    )
    assert len(staffed(ws, [NOV5])) == (2 if both else 1)


def test_attendee_duty_override() -> None:
    ws = in_memory(
        [person("ana", max_duty_hours=5)],
        [meeting("a", "09:00", "13:00"), meeting("b", "14:00", "18:00")],
        {"max_duty_hours": 12},
    )
    assert len(staffed(ws, [NOV5])) == 1


def test_duty_counts_per_conference_day() -> None:
    # 4 h on the 5th (two meetings, one after midnight) and 4 h on the 6th: 4 h a day.
    ws = in_memory(
        [person("ana")],
        [
            meeting("a", "2018-11-05 20:00", "2018-11-05 22:00"),
            meeting("b", "2018-11-06 00:00", "2018-11-06 02:00"),
            meeting("c", "2018-11-06 14:00", "2018-11-06 18:00"),
        ],
        {"max_duty_hours": 4, "min_rest_hours": 0},
    )
    assert len(staffed(ws, [NOV5, NOV6])) == 3


# --- rest between days ------------------------------------------------------------------


@pytest.mark.parametrize(("rest", "both"), [(7, False), (6, True)])
def test_min_rest_between_days(rest: float, both: bool) -> None:
    # Ends 02:00 on the 6th (day of the 5th); the next meeting starts 08:30: 6.5 h of rest.
    ws = in_memory(
        [person("ana")],
        [
            meeting("late", "2018-11-06 00:00", "2018-11-06 02:00"),
            meeting("early", "2018-11-06 08:30", "2018-11-06 10:00"),
        ],
        {"min_rest_hours": rest},
    )
    assert len(staffed(ws, [NOV5, NOV6])) == (2 if both else 1)


def test_rest_holds_against_published_history() -> None:
    ws = in_memory(
        [person("ana")],
        [
            meeting("late", "2018-11-06 00:00", "2018-11-06 02:00"),
            meeting("early", "2018-11-06 08:30", "2018-11-06 10:00"),
        ],
        {"min_rest_hours": 7},
    )
    late = ws.meeting("late")
    history = [FixedAssignment("late", "ana", NOV5, late.start, late.end)]
    assert staffed(ws, [NOV6], history) == set()
    assert staffed(ws, [NOV6], []) == {("early", "ana")}


# --- late nights ------------------------------------------------------------------------


def _three_late_nights() -> list[dict]:
    return [meeting(f"n{d}", f"2018-11-0{d} 22:00", f"2018-11-0{d + 1} 01:00") for d in (5, 6, 7)]


@pytest.mark.parametrize(("limit", "covered"), [(2, 2), (3, 3), (0, 0)])
def test_late_nights_in_a_row(limit: int, covered: int) -> None:
    ws = in_memory([person("ana")], _three_late_nights(), {"max_late_nights_in_a_row": limit})
    assert len(staffed(ws, [NOV5, NOV6, NOV7])) == covered


def test_ending_exactly_at_late_night_after_is_not_late() -> None:
    meetings = [
        meeting(f"n{d}", f"2018-11-0{d} 22:00", f"2018-11-0{d + 1} 00:00") for d in (5, 6, 7)
    ]
    ws = in_memory([person("ana")], meetings, {"max_late_nights_in_a_row": 1})
    assert len(staffed(ws, [NOV5, NOV6, NOV7])) == 3


def test_late_nights_count_published_history() -> None:
    ws = in_memory([person("ana")], _three_late_nights(), {"max_late_nights_in_a_row": 2})
    history = [
        FixedAssignment(m.id, "ana", ws.conference.day_of(m.start), m.start, m.end)
        for m in ws.meetings_on([NOV5, NOV6])
    ]
    assert staffed(ws, [NOV7], history) == set()
    assert staffed(ws, [NOV7], history[:1]) == {("n7", "ana")}


# --- real elapsed time across a DST change ----------------------------------------------


@pytest.mark.parametrize(("cap", "fits"), [(3.5, False), (4, True)])
def test_lengths_are_real_time_across_dst(cap: float, fits: bool) -> None:
    # In Berlin the clocks go back at 03:00 on 28 Oct 2018: 00:30-03:30 lasts four hours.
    ws = in_memory(
        [person("ana")],
        [meeting("m", "2018-10-28 00:30", "2018-10-28 03:30")],
        {"max_duty_hours": cap},
        timezone="Europe/Berlin",
        start="2018-10-27",
        end="2018-10-28",
    )
    assert ws.meeting("m").minutes == 240
    assert (len(staffed(ws, [date(2018, 10, 27)])) == 1) is fits
