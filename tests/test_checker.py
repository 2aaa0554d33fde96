"""The independent checker catches each rule violation, and accepts valid rotas."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from bruteforce import best_scores
from checker import check_rota, conference_day, late_threshold, scores_of
from workspaces import at, fixed, in_memory_workspace, plain_meeting, rota

from coverage.domain import Workspace
from coverage.io import load_workspace

DATA = Path(__file__).parent / "data"


def flagged(ws: Workspace, r: dict[str, Any], *words: str) -> list[str]:
    """The problems found; asserts there is one mentioning every word."""
    problems = check_rota(ws, r)
    assert any(all(w in p for w in words) for p in problems), problems
    return problems


def valid(ws: Workspace, r: dict[str, Any]) -> None:
    assert check_rota(ws, r) == []


# --------------------------------------------------------------------------- tiny folder


def test_tiny_valid_rota_and_brute_force() -> None:
    ws = load_workspace(DATA / "tiny")
    r = rota(ws, [("plen-1", "ana")])
    valid(ws, r)
    assert scores_of(ws, r["assignments"]) == (9, 0)  # priority 3 * privacy weight 3
    assert best_scores(ws, ws.conference.days()) == (9, 0)


def test_tiny_member_states_meeting_refuses_ben() -> None:
    ws = load_workspace(DATA / "tiny")
    flagged(ws, rota(ws, [("adhoc-ai", "ben")]), "not eligible", "member states")


# --------------------------------------------------------------------------- records


def test_unknown_meeting_and_attendee() -> None:
    ws = in_memory_workspace([plain_meeting("m", "2018-11-05 09:00", "2018-11-05 10:00")])
    r = rota(ws, [("m", "ana")])
    r["assignments"].append(dict(r["assignments"][0], meeting="ghost"))
    r["assignments"].append(dict(r["assignments"][0], attendee="nobody"))
    flagged(ws, r, "no such meeting")
    flagged(ws, r, "no such attendee")


def test_assignment_must_be_on_a_planned_day() -> None:
    ws = in_memory_workspace([plain_meeting("m", "2018-11-06 09:00", "2018-11-06 10:00")])
    valid(ws, rota(ws, [("m", "ana")], days=["2018-11-06"]))
    flagged(ws, rota(ws, [("m", "ana")], days=["2018-11-05"]), "not a planned day")


def test_assignment_day_and_times_must_match_the_meeting() -> None:
    ws = in_memory_workspace([plain_meeting("m", "2018-11-05 09:00", "2018-11-05 10:00")])
    r = rota(ws, [("m", "ana")])
    r["assignments"][0]["day"] = "2018-11-06"
    flagged(ws, r, "day 2018-11-06")
    r = rota(ws, [("m", "ana")])
    r["assignments"][0]["end"] = at(ws, "2018-11-05 10:30")
    flagged(ws, r, "differ")
    # The same instant written with another offset is the same time.
    r = rota(ws, [("m", "ana")])
    r["assignments"][0]["start"] = "2018-11-05T05:00:00+00:00"
    valid(ws, r)


def test_conference_day_runs_past_midnight() -> None:
    ws = in_memory_workspace([plain_meeting("late", "2018-11-06 02:00", "2018-11-06 02:30")])
    assert conference_day(ws.conference, ws.meeting("late").start) == date(2018, 11, 5)
    valid(ws, rota(ws, [("late", "ana")], days=["2018-11-05"]))
    flagged(ws, rota(ws, [("late", "ana")], days=["2018-11-06"]), "not a planned day")
    # At day_end (03:00) the next day begins.
    ws = in_memory_workspace([plain_meeting("early", "2018-11-06 03:00", "2018-11-06 04:00")])
    assert conference_day(ws.conference, ws.meeting("early").start) == date(2018, 11, 6)


def test_conference_day_without_overnight() -> None:
    ws = in_memory_workspace(
        [plain_meeting("m", "2018-11-06 01:00", "2018-11-06 02:00")],
        day_start="06:00",
        day_end="23:00",
    )
    assert conference_day(ws.conference, ws.meeting("m").start) == date(2018, 11, 6)


# --------------------------------------------------------------------------- eligibility

ELIGIBILITY_CASES = [
    # (meeting fields, attendee fields, reason words or None when eligible)
    ({"status": "cancelled"}, {}, "cancelled"),
    ({"status": "tentative"}, {}, None),
    ({"access": "closed"}, {}, "closed"),
    ({"access": "member_states"}, {"delegation": None}, "member states"),
    ({"access": "member_states"}, {"delegation": "KEN"}, None),
    (
        {"access": "delegations", "delegations": ["DEU", "KEN"]},
        {"delegation": "BRA"},
        "for delegations",
    ),
    (
        {"access": "delegations", "delegations": ["DEU", "KEN"]},
        {"delegation": None},
        "for delegations",
    ),
    ({"access": "delegations", "delegations": ["DEU", "KEN"]}, {"delegation": "KEN"}, None),
    ({"issues": ["privacy"], "min_expertise": 3}, {"expertise": {"privacy": 2}}, "expertise 2"),
    ({"issues": ["privacy"], "min_expertise": 2}, {"expertise": {"privacy": 2}}, None),
    ({"issues": ["privacy", "ai"], "min_expertise": 2}, {"expertise": {"ai": 2}}, None),
    ({"issues": ["privacy"]}, {"expertise": {}}, "expertise 0"),  # default_min_expertise 1
    ({"issues": []}, {"expertise": {}}, None),  # no issues, no expertise needed
    ({}, {"available_from": "2018-11-05 09:30"}, "starts before"),
    ({}, {"available_from": "2018-11-05 09:00"}, None),
    ({}, {"available_until": "2018-11-05 09:59"}, "ends after"),
    ({}, {"available_until": "2018-11-05 10:00"}, None),
    (
        {},
        {"unavailable": [{"start": "2018-11-05 09:59", "end": "2018-11-05 11:00"}]},
        "unavailable",
    ),
    (
        {},
        {"unavailable": [{"start": "2018-11-05 08:00", "end": "2018-11-05 09:01"}]},
        "unavailable",
    ),
    ({}, {"unavailable": [{"start": "2018-11-05 10:00", "end": "2018-11-05 11:00"}]}, None),
    ({}, {"unavailable": [{"start": "2018-11-05 08:00", "end": "2018-11-05 09:00"}]}, None),
]


@pytest.mark.parametrize(("meeting_fields", "attendee_fields", "reason"), ELIGIBILITY_CASES)
def test_eligibility(
    meeting_fields: dict[str, Any], attendee_fields: dict[str, Any], reason: str | None
) -> None:
    ws = in_memory_workspace(
        [plain_meeting("m", "2018-11-05 09:00", "2018-11-05 10:00", **meeting_fields)],
        [{"id": "ana", **attendee_fields}],
    )
    r = rota(ws, [("m", "ana")])
    if reason is None:
        valid(ws, r)
    else:
        flagged(ws, r, "not eligible", reason)


def test_default_min_expertise_applies_when_meeting_sets_none() -> None:
    ws = in_memory_workspace(
        [plain_meeting("m", "2018-11-05 09:00", "2018-11-05 10:00", issues=["ai"])],
        [{"id": "ana", "expertise": {"ai": 1}}],
        default_min_expertise=2,
    )
    flagged(ws, rota(ws, [("m", "ana")]), "not eligible", "expertise 1")


# --------------------------------------------------------------------------- seats, duplicates


def test_seats() -> None:
    people = [{"id": "ana"}, {"id": "ben"}, {"id": "cai"}]
    ws = in_memory_workspace(
        [plain_meeting("m", "2018-11-05 09:00", "2018-11-05 10:00", seats=2)], people
    )
    valid(ws, rota(ws, [("m", "ana"), ("m", "ben")]))
    flagged(ws, rota(ws, [("m", "ana"), ("m", "ben"), ("m", "cai")]), "3 attendees for 2 seats")


def test_duplicate_pair() -> None:
    ws = in_memory_workspace([plain_meeting("m", "2018-11-05 09:00", "2018-11-05 10:00", seats=2)])
    r = rota(ws, [("m", "ana")])
    r["assignments"].append(dict(r["assignments"][0]))
    flagged(ws, r, "twice")


# --------------------------------------------------------------------------- changeover


@pytest.mark.parametrize(
    ("second_start", "ok"),
    [("09:30", False), ("10:00", False), ("10:10", False), ("10:15", True), ("11:00", True)],
)
def test_changeover(second_start: str, ok: bool) -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("a", "2018-11-05 09:00", "2018-11-05 10:00"),
            plain_meeting("b", f"2018-11-05 {second_start}", "2018-11-05 12:00"),
        ]
    )
    r = rota(ws, [("b", "ana"), ("a", "ana")])
    if ok:
        valid(ws, r)
    else:
        flagged(ws, r, "ana", "changeover")


def test_containment_is_an_overlap() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("long", "2018-11-05 09:00", "2018-11-05 17:00"),
            plain_meeting("x", "2018-11-05 10:00", "2018-11-05 11:00"),
            plain_meeting("y", "2018-11-05 13:00", "2018-11-05 14:00"),
        ]
    )
    problems = flagged(ws, rota(ws, [("long", "ana"), ("x", "ana"), ("y", "ana")]), "changeover")
    assert sum("'long'" in p for p in problems) == 2


def test_zero_changeover_allows_back_to_back() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("a", "2018-11-05 09:00", "2018-11-05 10:00"),
            plain_meeting("b", "2018-11-05 10:00", "2018-11-05 11:00"),
        ],
        changeover_minutes=0,
    )
    valid(ws, rota(ws, [("a", "ana"), ("b", "ana")]))


def test_other_people_may_overlap() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("a", "2018-11-05 09:00", "2018-11-05 10:00"),
            plain_meeting("b", "2018-11-05 09:00", "2018-11-05 10:00"),
        ],
        [{"id": "ana"}, {"id": "ben"}],
    )
    valid(ws, rota(ws, [("a", "ana"), ("b", "ben")]))


# --------------------------------------------------------------------------- duty


def test_duty_hours_per_day() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("a", "2018-11-05 09:00", "2018-11-05 11:00"),
            plain_meeting("b", "2018-11-05 14:00", "2018-11-05 15:30"),
            plain_meeting("c", "2018-11-06 09:00", "2018-11-06 11:00"),
        ],
        max_duty_hours=3.5,
    )
    valid(ws, rota(ws, [("a", "ana"), ("b", "ana"), ("c", "ana")]))  # 3.5 h, then 2 h
    ws = in_memory_workspace(
        [
            plain_meeting("a", "2018-11-05 09:00", "2018-11-05 11:00"),
            plain_meeting("b", "2018-11-05 14:00", "2018-11-05 15:45"),
        ],
        max_duty_hours=3.5,
    )
    flagged(ws, rota(ws, [("a", "ana"), ("b", "ana")]), "3.75 h", "2018-11-05", "max duty")


def test_duty_counts_by_conference_day_not_calendar_date() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("eve", "2018-11-05 20:00", "2018-11-05 23:00"),
            plain_meeting("night", "2018-11-06 00:30", "2018-11-06 02:30"),
        ],
        max_duty_hours=4,
        min_rest_hours=0,
    )
    flagged(ws, rota(ws, [("eve", "ana"), ("night", "ana")]), "5 h", "2018-11-05")


def test_attendee_duty_override() -> None:
    meetings = [plain_meeting("a", "2018-11-05 09:00", "2018-11-05 12:00")]
    ws = in_memory_workspace(meetings, [{"id": "ana", "max_duty_hours": 2}], max_duty_hours=10)
    flagged(ws, rota(ws, [("a", "ana")]), "max duty 2 h")
    ws = in_memory_workspace(meetings, [{"id": "ana", "max_duty_hours": 4}], max_duty_hours=2)
    valid(ws, rota(ws, [("a", "ana")]))


def test_duty_counts_real_time_across_dst() -> None:
    # Berlin, night of 27-28 October 2018: 01:00 CEST to 04:00 CET is 4 real hours.
    kw = {"timezone": "Europe/Berlin", "start": "2018-10-27", "end": "2018-10-28"}
    ms = [plain_meeting("night", "2018-10-28 01:00", "2018-10-28 04:00")]
    ws = in_memory_workspace(ms, max_duty_hours=3.5, **kw)
    flagged(ws, rota(ws, [("night", "ana")]), "4 h", "max duty")
    ws = in_memory_workspace(ms, max_duty_hours=4, **kw)
    valid(ws, rota(ws, [("night", "ana")]))


# --------------------------------------------------------------------------- rest


@pytest.mark.parametrize(
    ("next_start", "ok"), [("08:00", False), ("08:59", False), ("09:00", True)]
)
def test_rest_between_days(next_start: str, ok: bool) -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("late", "2018-11-05 23:00", "2018-11-06 02:00"),
            plain_meeting("morning", f"2018-11-06 {next_start}", "2018-11-06 10:00"),
        ]
    )
    r = rota(ws, [("late", "ana"), ("morning", "ana")])
    if ok:
        valid(ws, r)
    else:
        flagged(ws, r, "ana", "min rest 7")


def test_rest_is_not_required_within_a_day() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("a", "2018-11-05 09:00", "2018-11-05 10:00"),
            plain_meeting("b", "2018-11-05 10:30", "2018-11-05 11:00"),
        ],
        min_rest_hours=12,
    )
    valid(ws, rota(ws, [("a", "ana"), ("b", "ana")]))


def test_rest_across_dst_counts_real_time() -> None:
    # 02:00 CEST on the 28th to 08:00 CET is 7 real hours (6 on the wall clock).
    kw = {"timezone": "Europe/Berlin", "start": "2018-10-27", "end": "2018-10-28"}
    ms = [
        plain_meeting("late", "2018-10-27 23:00", "2018-10-28T02:00+02:00"),  # the first 02:00
        plain_meeting("morning", "2018-10-28 08:00", "2018-10-28 09:00"),
    ]
    ws = in_memory_workspace(ms, min_rest_hours=7, **kw)
    late_end = ws.meeting("late").end.astimezone(ws.conference.tz)
    assert late_end.utcoffset().total_seconds() == 7200  # first 02:00, CEST
    valid(ws, rota(ws, [("late", "ana"), ("morning", "ana")]))
    ws = in_memory_workspace(ms, min_rest_hours=7.5, **kw)
    flagged(ws, rota(ws, [("late", "ana"), ("morning", "ana")]), "min rest")


def test_rest_against_fixed_history() -> None:
    ws = in_memory_workspace([plain_meeting("morning", "2018-11-06 08:00", "2018-11-06 09:00")])
    history = [fixed(ws, "gone", "ana", "2018-11-05", "2018-11-05 23:00", "2018-11-06 02:00")]
    flagged(ws, rota(ws, [("morning", "ana")], days=["2018-11-06"], fixed=history), "min rest")
    history = [fixed(ws, "gone", "ana", "2018-11-05", "2018-11-05 22:00", "2018-11-06 01:00")]
    valid(ws, rota(ws, [("morning", "ana")], days=["2018-11-06"], fixed=history))


def test_history_of_someone_else_does_not_matter() -> None:
    ws = in_memory_workspace([plain_meeting("morning", "2018-11-06 08:00", "2018-11-06 09:00")])
    history = [fixed(ws, "gone", "ben", "2018-11-05", "2018-11-05 23:00", "2018-11-06 02:00")]
    valid(ws, rota(ws, [("morning", "ana")], days=["2018-11-06"], fixed=history))


def test_fixed_on_a_planned_day_is_flagged() -> None:
    ws = in_memory_workspace([plain_meeting("m", "2018-11-06 10:00", "2018-11-06 11:00")])
    history = [fixed(ws, "old", "ben", "2018-11-06", "2018-11-06 08:00", "2018-11-06 09:00")]
    flagged(ws, rota(ws, [("m", "ana")], days=["2018-11-06"], fixed=history), "a planned day")


def test_changeover_against_fixed_history() -> None:
    # A meeting of day 6 overlapping one at 01:00-02:30 that belonged to day 5.
    ws = in_memory_workspace(
        [plain_meeting("m", "2018-11-06 03:00", "2018-11-06 04:00")], min_rest_hours=0
    )
    history = [fixed(ws, "old", "ana", "2018-11-05", "2018-11-06 01:00", "2018-11-06 02:50")]
    flagged(ws, rota(ws, [("m", "ana")], days=["2018-11-06"], fixed=history), "changeover")


# --------------------------------------------------------------------------- late nights


def _nights(ends: dict[str, str], **rules: Any) -> Workspace:
    """Meetings 22:00 on each day `d` (a key, 2018-11-0d) ending at the given wall clock."""
    ms = []
    for day, end in ends.items():
        start = f"2018-11-{day} 22:00"
        end_date = f"2018-11-{int(day) + 1:02d}" if end < "22:00" else f"2018-11-{day}"
        ms.append(plain_meeting(f"n{day}", start, f"{end_date} {end}"))
    return in_memory_workspace(ms, end="2018-11-09", min_rest_hours=0, **rules)


def test_late_nights_in_a_row() -> None:
    ws = _nights({"05": "00:30", "06": "00:30", "07": "00:30"}, max_late_nights_in_a_row=2)
    r = rota(ws, [("n05", "ana"), ("n06", "ana"), ("n07", "ana")])
    flagged(ws, r, "3 late nights in a row", "2018-11-05", "2018-11-07")
    valid(ws, rota(ws, [("n05", "ana"), ("n06", "ana")]))
    valid(ws, rota(ws, [("n05", "ana"), ("n07", "ana")]))  # not consecutive


def test_late_night_is_strictly_after_the_threshold() -> None:
    ws = _nights({"05": "00:00", "06": "00:00"}, max_late_nights_in_a_row=0)
    valid(ws, rota(ws, [("n05", "ana"), ("n06", "ana")]))
    ws = _nights({"05": "00:01"}, max_late_nights_in_a_row=0)
    flagged(ws, rota(ws, [("n05", "ana")]), "1 late nights in a row")


def test_late_night_threshold_after_midnight() -> None:
    ws = _nights(
        {"05": "00:45", "06": "01:15"}, late_night_after="01:00", max_late_nights_in_a_row=0
    )
    valid(ws, rota(ws, [("n05", "ana")]))
    flagged(ws, rota(ws, [("n06", "ana")]), "late nights")


def test_late_night_threshold_in_the_evening() -> None:
    # late_night_after 23:00 >= day_start: the threshold is 23:00 on the day itself.
    ws = _nights(
        {"05": "22:45", "06": "23:30"}, late_night_after="23:00", max_late_nights_in_a_row=0
    )
    assert late_threshold(ws.conference, date(2018, 11, 5)) == datetime.fromisoformat(
        "2018-11-05T23:00+04:00"
    )
    valid(ws, rota(ws, [("n05", "ana")]))
    flagged(ws, rota(ws, [("n06", "ana")]), "late nights")


def test_late_nights_with_history() -> None:
    ws = _nights({"06": "00:30"}, max_late_nights_in_a_row=1)
    late = [fixed(ws, "old", "ana", "2018-11-05", "2018-11-05 22:00", "2018-11-06 00:30")]
    early = [fixed(ws, "old", "ana", "2018-11-05", "2018-11-05 21:00", "2018-11-05 23:30")]
    r = rota(ws, [("n06", "ana")], days=["2018-11-06"], fixed=late)
    flagged(ws, r, "2 late nights in a row")
    valid(ws, rota(ws, [("n06", "ana")], days=["2018-11-06"], fixed=early))


def test_late_nights_only_in_history_are_not_the_rotas_fault() -> None:
    ws = _nights({"08": "23:00"}, max_late_nights_in_a_row=1)
    history = [
        fixed(ws, "o5", "ana", "2018-11-05", "2018-11-05 22:00", "2018-11-06 00:30"),
        fixed(ws, "o6", "ana", "2018-11-06", "2018-11-06 22:00", "2018-11-07 00:30"),
    ]
    valid(ws, rota(ws, [("n08", "ana")], days=["2018-11-08"], fixed=history))


# --------------------------------------------------------------------------- scores


def test_scores_recomputed() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting(
                "p",
                "2018-11-05 09:00",
                "2018-11-05 10:00",
                issues=["privacy", "ai"],
                priority=2,
                seats=2,
            ),
            plain_meeting("q", "2018-11-05 11:00", "2018-11-05 12:00", priority=4),
            plain_meeting("u", "2018-11-05 13:00", "2018-11-05 14:00", issues=["ai"], priority=5),
        ],
        [{"id": "ana"}, {"id": "ben"}],
    )
    r = rota(ws, [("p", "ana"), ("p", "ben"), ("q", "ana")])
    # p: 2 * 3 = 6, depth 6 * 1; q: 4 * max(1, no issues) = 4
    assert scores_of(ws, r["assignments"]) == (10, 6)
    valid(ws, r)
    r["scores"][0]["value"] = 11
    flagged(ws, r, "coverage reported 11, recomputed 10")
    r = rota(ws, [("p", "ana"), ("p", "ben"), ("q", "ana")])
    r["scores"][1]["value"] = 0
    flagged(ws, r, "depth reported 0, recomputed 6")
    r = rota(ws, [("q", "ana")])
    r["scores"] = r["scores"][:1]
    flagged(ws, r, "no 'depth' tier")


# --------------------------------------------------------------------------- uncovered


def test_uncovered_must_list_every_empty_meeting() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("a", "2018-11-05 09:00", "2018-11-05 10:00"),
            plain_meeting("b", "2018-11-05 11:00", "2018-11-05 12:00"),
            plain_meeting("gone", "2018-11-05 13:00", "2018-11-05 14:00", status="cancelled"),
            plain_meeting("later", "2018-11-06 09:00", "2018-11-06 10:00"),
        ]
    )
    r = rota(ws, [("a", "ana")], days=["2018-11-05"])
    assert [u["meeting"] for u in r["uncovered"]] == ["b"]  # not cancelled, not other days
    valid(ws, r)
    r["uncovered"] = []
    flagged(ws, r, "'b'", "not listed uncovered")
    r = rota(ws, [("a", "ana")], days=["2018-11-05"])
    r["uncovered"][0]["message"] = " "
    flagged(ws, r, "'b'", "without a message")
    r = rota(ws, [("a", "ana")], days=["2018-11-05"])
    r["uncovered"].append({"meeting": "a", "reason": "x", "message": "y"})
    flagged(ws, r, "'a'", "assigned but listed as uncovered")


# --------------------------------------------------------------------------- brute force


def test_brute_force_prefers_coverage_then_depth() -> None:
    ws = in_memory_workspace(
        [
            plain_meeting("big", "2018-11-05 09:00", "2018-11-05 11:00", priority=3, seats=2),
            plain_meeting("small", "2018-11-05 10:00", "2018-11-05 11:00", priority=1),
            plain_meeting("side", "2018-11-05 10:30", "2018-11-05 11:30", priority=1),
        ],
        [{"id": "ana"}, {"id": "ben"}],
    )
    # Best: ana at big (3), ben at small (1) or side (1): coverage 4, depth 0 -- beats
    # both at big (3 + depth 3).
    assert best_scores(ws, ["2018-11-05"]) == (4, 0)
    valid(ws, rota(ws, [("big", "ana"), ("small", "ben")]))


def test_brute_force_respects_history() -> None:
    ws = in_memory_workspace([plain_meeting("m", "2018-11-06 08:00", "2018-11-06 09:00")])
    assert best_scores(ws, [date(2018, 11, 6)]) == (1, 0)
    history = [fixed(ws, "gone", "ana", "2018-11-05", "2018-11-05 23:00", "2018-11-06 02:00")]
    assert best_scores(ws, [date(2018, 11, 6)], fixed=history) == (0, 0)
