"""Hypothesis strategies for tiny, valid workspaces built in memory.

Meeting times are drawn as real elapsed minutes from the opening of a conference day and
handed to the models as aware UTC datetimes, so that a DST night (Europe/Berlin, 27-28
October 2018, when 02:00-03:00 happens twice) gets meetings in both copies of the hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import reject
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from coverage.domain import Attendee, Conference, Meeting, Workspace

DELEGATIONS = ("BRA", "DEU", "KEN")

PLAIN = ("Asia/Dubai", date(2018, 11, 5))
DST = ("Europe/Berlin", date(2018, 10, 27))  # clocks go back on 28 Oct at 03:00


def _opening(conference: Conference, day: date) -> datetime:
    local = datetime.combine(day, conference.day_start).replace(
        tzinfo=ZoneInfo(conference.timezone)
    )
    return local.astimezone(UTC)


def _closing(conference: Conference, day: date) -> datetime:
    overnight = conference.day_end <= conference.day_start
    on = day + timedelta(days=1) if overnight else day
    local = datetime.combine(on, conference.day_end).replace(tzinfo=ZoneInfo(conference.timezone))
    return local.astimezone(UTC)


M = TypeVar("M", bound=BaseModel)


def _validated(model: type[M], data: dict[str, Any], context: dict[str, Any]) -> M:
    """Validate, rejecting the example when the domain refuses it. (The domain compares
    same-zone datetimes by wall clock, so e.g. 02:30 CEST to 02:15 CET, 45 real minutes
    across the fall-back hour, is refused as 'end not after start'.)"""
    try:
        return model.model_validate(data, context=context)
    except ValidationError:
        reject()


@st.composite
def conferences(draw: st.DrawFn, dst: bool | None = None) -> Conference:
    if dst is None:
        dst = draw(st.booleans())
    timezone, first = DST if dst else PLAIN
    n_days = draw(st.integers(1, 2))
    n_issues = draw(st.integers(1, 3))
    day_start, day_end = draw(
        st.sampled_from(
            [
                (time(8), time(3)),
                (time(8), time(3)),
                (time(8), time(3)),
                (time(7), time(2)),
                (time(8), time(23, 30)),
            ]
        )
    )
    data = {
        "name": "Generated",
        "timezone": timezone,
        "start": first,
        "end": first + timedelta(days=n_days - 1),
        "day_start": day_start,
        "day_end": day_end,
        "issues": [
            {"id": f"i{k}", "name": f"Issue {k}", "weight": draw(st.integers(1, 4))}
            for k in range(1, n_issues + 1)
        ],
        "rules": {
            "changeover_minutes": draw(st.sampled_from([0, 10, 15, 30])),
            "max_duty_hours": draw(st.sampled_from([2, 2.5, 3, 4, 6])),
            "min_rest_hours": draw(st.sampled_from([4, 6, 8, 10])),
            "late_night_after": draw(
                st.sampled_from([time(0), time(0), time(1), time(23), time(22, 30)])
            ),
            "max_late_nights_in_a_row": draw(st.integers(0, 2)),
            "default_min_expertise": draw(st.sampled_from([1, 1, 2])),
        },
    }
    return Conference.model_validate(data)


@st.composite
def _moment(draw: st.DrawFn, conference: Conference) -> datetime:
    """A moment within the conference days, on a quarter hour."""
    days = conference.days()
    lo, hi = _opening(conference, days[0]), _closing(conference, days[-1])
    quarters = int((hi - lo).total_seconds() // 900)
    return lo + timedelta(minutes=15 * draw(st.integers(0, quarters)))


@st.composite
def attendees(draw: st.DrawFn, conference: Conference, index: int) -> Attendee:
    context = {"conference": conference}
    issues = [issue.id for issue in conference.issues]
    data: dict[str, Any] = {
        "id": f"a{index}",
        "name": f"Attendee {index}",
        "delegation": draw(st.sampled_from([*DELEGATIONS, *DELEGATIONS, None])),
        "expertise": {
            issue: level for issue in issues if (level := draw(st.sampled_from([3, 3, 2, 2, 1, 0])))
        },
    }
    if draw(st.integers(0, 6)) == 0:
        data["available_from"] = draw(_moment(conference))
    if draw(st.integers(0, 6)) == 0:
        until = draw(_moment(conference))
        if "available_from" in data and until <= data["available_from"]:
            until = data["available_from"] + timedelta(hours=3)
        data["available_until"] = until
    periods = []
    for _ in range(draw(st.sampled_from([0, 0, 1]))):
        start = draw(_moment(conference))
        periods.append(
            {
                "start": start,
                "end": start + timedelta(minutes=draw(st.sampled_from([30, 60, 120, 240]))),
            }
        )
    data["unavailable"] = periods
    if draw(st.integers(0, 3)) == 0:
        data["max_duty_hours"] = draw(st.sampled_from([1.5, 2, 3, 5]))
    # Personal limits, now and then (README, "Personal limits").
    if draw(st.integers(0, 5)) == 0:
        data["earliest"] = draw(st.sampled_from(["09:00", "10:00", "14:00"]))
    if draw(st.integers(0, 5)) == 0:
        data["latest"] = draw(st.sampled_from(["18:00", "23:00", "01:00"]))
    if draw(st.integers(0, 5)) == 0:
        data["max_late_nights_in_a_row"] = draw(st.sampled_from([0, 1]))
    if draw(st.integers(0, 4)) == 0:
        data["max_meetings_per_day"] = draw(st.sampled_from([1, 2]))
    if draw(st.integers(0, 3)) == 0:  # preferences (the preferences tier)
        data["prefers"] = draw(st.lists(st.sampled_from(issues), max_size=1))
        data["avoids"] = draw(st.lists(st.sampled_from([*issues, "plenary", "other"]), max_size=1))
    return _validated(Attendee, data, context)


@st.composite
def meetings(draw: st.DrawFn, conference: Conference, index: int) -> Meeting:
    context = {"conference": conference}
    days = conference.days()
    day = draw(st.sampled_from(days))
    opens, closes = _opening(conference, day), _closing(conference, day)
    quarters = int((closes - opens).total_seconds() // 900)
    # Favour evenings and nights: that is where late nights, rest and DST bite.
    offset = draw(
        st.one_of(
            st.integers(0, quarters - 1),
            st.integers(max(0, quarters - 32), quarters - 1),
        )
    )
    start = opens + timedelta(minutes=15 * offset)
    length = timedelta(minutes=draw(st.sampled_from([30, 60, 90, 120, 180, 240])))
    issues = [issue.id for issue in conference.issues]
    access = draw(st.sampled_from(["open"] * 5 + ["member_states", "delegations", "closed"]))
    data: dict[str, Any] = {
        "id": f"m{index}",
        "title": f"Meeting {index}",
        "start": start,
        "end": start + length,
        "issues": draw(st.lists(st.sampled_from(issues), max_size=2, unique=True)),
        "access": access,
        "priority": draw(st.integers(1, 5)),
        "seats": draw(st.integers(1, 3)),
        "min_expertise": draw(st.sampled_from([None, None, None, 1, 2, 3])),
        "status": draw(
            st.sampled_from(["confirmed", "confirmed", "confirmed", "tentative", "cancelled"])
        ),
    }
    if access == "delegations":
        data["delegations"] = draw(
            st.lists(st.sampled_from(DELEGATIONS), min_size=1, max_size=2, unique=True)
        )
    return _validated(Meeting, data, context)


@st.composite
def tiny_workspaces(draw: st.DrawFn, dst: bool | None = None) -> Workspace:
    """1-2 days, 1-4 attendees, 1-6 meetings, 1-3 issues; `dst=True` for the Berlin DST night,
    False for Dubai, None for either."""
    conference = draw(conferences(dst))
    people = [draw(attendees(conference, k)) for k in range(1, draw(st.integers(1, 4)) + 1)]
    agenda = [draw(meetings(conference, k)) for k in range(1, draw(st.integers(1, 6)) + 1)]
    return Workspace(
        conference=conference, attendees=tuple(people), meetings=tuple(agenda), name="generated"
    )


def dst_workspaces() -> st.SearchStrategy[Workspace]:
    """Tiny workspaces over the Berlin DST night."""
    return tiny_workspaces(dst=True)
