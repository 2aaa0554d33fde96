"""JSON Schema of the workspace files, from the domain models."""

from __future__ import annotations

from typing import Any

from coverage.domain import Attendee, Conference, Meeting


def _list_of(key: str, item: dict[str, Any]) -> dict[str, Any]:
    defs = item.pop("$defs", {})
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {key: {"type": "array", "items": item}},
    }
    if defs:
        schema["$defs"] = defs
    return schema


def workspace_schema() -> dict[str, dict[str, Any]]:
    """One schema per workspace file, keyed by file name. Times are strings
    'YYYY-MM-DD HH:MM' in the conference timezone (or with an offset)."""
    from coverage.domain import State, StatesHeader, Tie

    conference = Conference.model_json_schema()
    conference["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    states = _list_of("states", State.model_json_schema())
    states["properties"]["ties"] = {"type": "array", "items": Tie.model_json_schema()}
    states["properties"] |= StatesHeader.model_json_schema()["properties"]
    return {
        "conference.yaml": conference,
        "attendees.yaml": _list_of("attendees", Attendee.model_json_schema()),
        "meetings.yaml": _list_of("meetings", Meeting.model_json_schema()),
        "states.yaml": states,
    }
