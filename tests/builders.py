"""Builders for hand-made workspaces and rotas used by the tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from checker import conference_day, scores_of
from workspaces import CONFERENCE

from coverage.domain import Attendee, Conference, Meeting, Workspace

# --------------------------------------------------------------------------- builders


def workspace(
    meetings: Iterable[dict[str, Any]],
    attendees: Iterable[dict[str, Any]] = ({"id": "ana"},),
    *,
    timezone: str = "Asia/Dubai",
    start: str = "2018-11-05",
    end: str = "2018-11-07",
    day_start: str = "08:00",
    day_end: str = "03:00",
    **rules: Any,
) -> Workspace:
    conference = Conference.model_validate(
        {
            **CONFERENCE,
            "name": "Test",
            "timezone": timezone,
            "start": start,
            "end": end,
            "day_start": day_start,
            "day_end": day_end,
            "rules": {**CONFERENCE["rules"], **rules},
        }
    )
    context = {"conference": conference}
    people = [
        Attendee.model_validate(
            {"name": a["id"], "delegation": "BRA", "expertise": {"privacy": 3, "ai": 3}, **a},
            context=context,
        )
        for a in attendees
    ]
    agenda = [Meeting.model_validate({"title": m["id"], **m}, context=context) for m in meetings]
    return Workspace(conference=conference, attendees=tuple(people), meetings=tuple(agenda))


def meeting(id: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "start": start, "end": end, **fields}


def at(ws: Workspace, local: str) -> str:
    """A local wall-clock time of the conference as ISO text with its offset."""
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(ws.conference.timezone))
    return moment.isoformat()


def rota(
    ws: Workspace,
    pairs: Iterable[tuple[str, str]],
    days: Iterable[str] | None = None,
    fixed: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A well-formed rota for these (meeting, attendee) pairs: right times, days, scores and
    uncovered list. Tests then break one thing at a time."""
    conf = ws.conference
    planned = [date.fromisoformat(d) for d in days] if days else conf.days()
    assignments = []
    for meeting_id, person in pairs:
        m = ws.meeting(meeting_id)
        assignments.append(
            {
                "meeting": meeting_id,
                "attendee": person,
                "day": conference_day(conf, m.start).isoformat(),
                "start": m.start.isoformat(),
                "end": m.end.isoformat(),
            }
        )
    coverage, depth = scores_of(ws, assignments)
    covered = {meeting_id for meeting_id, _ in pairs}
    uncovered = [
        {"meeting": m.id, "reason": "no_eligible", "message": "nobody could go"}
        for m in ws.meetings
        if conference_day(conf, m.start) in planned
        and m.id not in covered
        and m.status != "cancelled"
    ]
    return {
        "days": [d.isoformat() for d in planned],
        "assignments": assignments,
        "fixed": list(fixed),
        "meetings": [],
        "uncovered": uncovered,
        "scores": [
            {"tier": "coverage", "value": coverage, "bound": coverage, "optimal": True},
            {"tier": "depth", "value": depth, "bound": depth, "optimal": True},
        ],
    }


def fixed(ws: Workspace, meeting_id: str, person: str, day: str, start: str, end: str) -> dict:
    return {
        "meeting": meeting_id,
        "attendee": person,
        "day": day,
        "start": at(ws, start),
        "end": at(ws, end),
    }
