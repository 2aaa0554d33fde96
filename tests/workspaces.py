"""Tiny workspaces for tests, one vocabulary: a default conference, people and meetings
given as plain dicts, each test changing only what it is about. `workspace` and
`write_workspace` write them to disk (`person`, `meeting`: experts and meetings on
privacy); `in_memory_workspace` builds one in memory (`plain_meeting`: on no issue), and
`rota` / `fixed` write rota documents for the checker's tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from checker import check_rota, conference_day, scores_of

from coverage.domain import Attendee, Conference, Meeting, Workspace
from coverage.io import Source, load_workspace, parse_workspace

CONFERENCE: dict[str, Any] = {
    "name": "Test Conference",
    "timezone": "Asia/Dubai",
    "start": "2018-11-05",
    "end": "2018-11-07",
    "day_start": "08:00",
    "day_end": "03:00",
    "issues": [
        {"id": "privacy", "name": "Privacy", "weight": 3},
        {"id": "ai", "name": "AI", "weight": 1},
    ],
    "rules": {
        "changeover_minutes": 15,
        "max_duty_hours": 10,
        "min_rest_hours": 7,
        "late_night_after": "00:00",
        "max_late_nights_in_a_row": 2,
        "default_min_expertise": 1,
    },
}


def person(id: str, **fields: Any) -> dict[str, Any]:
    """An attendee expert in everything at level 2, on no delegation, unless told otherwise."""
    return {"id": id, "name": id.title(), "expertise": {"privacy": 2, "ai": 2}, **fields}


def meeting(id: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
    """An open meeting on privacy; times are 'YYYY-MM-DD HH:MM' or 'HH:MM' on 2018-11-05."""

    def at(text: str) -> str:
        return text if len(text) > 5 else f"2018-11-05 {text}"

    return {
        "id": id,
        "title": f"Meeting {id}",
        "start": at(start),
        "end": at(end),
        "issues": ["privacy"],
        **fields,
    }


def write_workspace(
    folder: Path,
    attendees: list[dict[str, Any]],
    meetings: list[dict[str, Any]],
    rules: dict[str, Any] | None = None,
    **conference: Any,
) -> Path:
    """Write a workspace folder and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = {**CONFERENCE, **conference}
    conf["rules"] = {**CONFERENCE["rules"], **(rules or {})}
    (folder / "conference.yaml").write_text(yaml.safe_dump(conf, sort_keys=False))
    (folder / "attendees.yaml").write_text(
        yaml.safe_dump({"attendees": attendees}, sort_keys=False)
    )
    (folder / "meetings.yaml").write_text(yaml.safe_dump({"meetings": meetings}, sort_keys=False))
    return folder


def in_memory(
    attendees: list[dict[str, Any]],
    meetings: list[dict[str, Any]],
    rules: dict[str, Any] | None = None,
    **conference: Any,
) -> Workspace:
    """The workspace `write_workspace` would write, read from memory (the same YAML texts
    through the same reader, `coverage.io.parse_workspace`), with nothing on disk."""
    conf = {**CONFERENCE, **conference}
    conf["rules"] = {**CONFERENCE["rules"], **(rules or {})}
    texts = {
        "conference.yaml": yaml.safe_dump(conf, sort_keys=False),
        "attendees.yaml": yaml.safe_dump({"attendees": attendees}, sort_keys=False),
        "meetings.yaml": yaml.safe_dump({"meetings": meetings}, sort_keys=False),
    }
    given = {name: text.encode("utf-8") for name, text in texts.items()}
    return parse_workspace(Source(Path("in-memory-workspace"), given))


def workspace(
    folder: Path,
    attendees: list[dict[str, Any]],
    meetings: list[dict[str, Any]],
    rules: dict[str, Any] | None = None,
    **conference: Any,
) -> Workspace:
    """Write and load a workspace."""
    return load_workspace(write_workspace(folder, attendees, meetings, rules, **conference))


# --- In memory, and rota documents for the checker ----------------------------------------


def in_memory_workspace(
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
    """A workspace built in memory (nothing on disk): people on the BRA delegation, expert
    at level 3 in everything, unless told otherwise; meetings as `plain_meeting` gives."""
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


def plain_meeting(id: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
    """A meeting on no issue, with full local times ('YYYY-MM-DD HH:MM')."""
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


def pairs_rota(
    ws: Workspace,
    days: Iterable[date],
    pairs: Iterable[tuple[str, str]],
    fixed: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A bare rota document of (attendee, meeting) pairs, as the checker reads it (no
    scores, no uncovered list: see `rule_problems`)."""
    assignments = []
    for attendee, meeting_id in sorted(pairs):
        found = ws.meeting(meeting_id)
        assignments.append(
            {
                "meeting": meeting_id,
                "attendee": attendee,
                "day": ws.conference.day_of(found.start).isoformat(),
                "start": found.start.isoformat(),
                "end": found.end.isoformat(),
            }
        )
    return {"days": [d.isoformat() for d in days], "assignments": assignments, "fixed": list(fixed)}


def rule_problems(ws: Workspace, rota: dict[str, Any]) -> list[str]:
    """What the checker finds wrong with a bare rota document, but for the bookkeeping it
    does not carry (scores, the list of uncovered meetings)."""
    found = check_rota(ws, rota)
    return [p for p in found if not (p.startswith("scores") or "uncovered" in p)]


# The free-text fields a person types, where hostile text is tried.
TEXT_FIELDS = ("attendee name", "organisation", "meeting title", "room", "conference name",
               "issue name")  # fmt: skip


def put_text(
    where: str, text: str, people: list[dict[str, Any]], meetings: list[dict[str, Any]]
) -> dict[str, Any]:
    """Put `text` into one of `TEXT_FIELDS`: of the first person or meeting (changed in
    place), or of the conference (returned, for `write_workspace`'s keyword arguments)."""
    if where == "attendee name":
        people[0]["name"] = text
    elif where == "organisation":
        people[0]["organisation"] = text
    elif where == "meeting title":
        meetings[0]["title"] = text
    elif where == "room":
        meetings[0]["room"] = text
    elif where == "conference name":
        return {"name": text}
    elif where == "issue name":
        issues = [{**i, "name": text} if i["id"] == "privacy" else i for i in CONFERENCE["issues"]]
        return {"issues": issues}
    else:
        raise ValueError(f"not a text field: {where}")
    return {}
