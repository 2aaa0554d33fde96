"""Tiny workspaces written to disk for tests: a default conference, people and meetings
given as plain dicts, each test changing only what it is about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from coverage.domain import Workspace
from coverage.io import load_workspace

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


def workspace(
    folder: Path,
    attendees: list[dict[str, Any]],
    meetings: list[dict[str, Any]],
    rules: dict[str, Any] | None = None,
    **conference: Any,
) -> Workspace:
    """Write and load a workspace."""
    return load_workspace(write_workspace(folder, attendees, meetings, rules, **conference))
