"""What a replan changes for each person, and the messages that tell them.

Works on published rotas (their JSON data), so that the same code serves `rota replan`
and `rota diff` between any two versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coverage.export.common import clock, span


@dataclass(frozen=True)
class PersonChange:
    """One person's changes: meetings added, meetings removed (with why), meetings kept."""

    attendee: str
    added: tuple[str, ...]
    removed: tuple[tuple[str, str], ...]  # (meeting id, why)
    unchanged: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "attendee": self.attendee,
            "added": list(self.added),
            "removed": [{"meeting": m, "why": why} for m, why in self.removed],
            "unchanged": list(self.unchanged),
        }


def person_changes(
    before: set[tuple[str, str]],
    after: set[tuple[str, str]],
    attendee_order: list[str],
    why_removed: dict[tuple[str, str], str] | None = None,
) -> list[PersonChange]:
    """The changes between two sets of (attendee, meeting) pairs, for each person whose
    rota differs, in the order of `attendee_order`. Nobody unchanged is listed."""
    why_removed = why_removed or {}
    changes = []
    for attendee in attendee_order:
        old = {m for a, m in before if a == attendee}
        new = {m for a, m in after if a == attendee}
        if old == new:
            continue
        changes.append(
            PersonChange(
                attendee=attendee,
                added=tuple(sorted(new - old)),
                removed=tuple(
                    (m, why_removed.get((attendee, m), "no longer assigned"))
                    for m in sorted(old - new)
                ),
                unchanged=tuple(sorted(old & new)),
            )
        )
    return changes


def diff_versions(old: dict[str, Any], new: dict[str, Any], day: str) -> list[PersonChange]:
    """The per-person changes of `day` between two published rotas (JSON data). The reasons
    for removals are those the newer version recorded, when it was replanned from the
    older one."""

    def pairs(rota: dict[str, Any]) -> set[tuple[str, str]]:
        return {(a["attendee"], a["meeting"]) for a in rota["assignments"] if a["day"] == day}

    why: dict[tuple[str, str], str] = {}
    replan = new.get("replan") or {}
    if replan.get("based_on") == old.get("run", {}).get("version"):
        for change in replan.get("changes", []):
            for item in change["removed"]:
                why[change["attendee"], item["meeting"]] = item["why"]
    order = [a["id"] for a in new["attendees"]]
    order += [a["id"] for a in old["attendees"] if a["id"] not in order]
    return person_changes(pairs(old), pairs(new), order, why)


def _describe(meeting: dict[str, Any]) -> str:
    where = f", {meeting['room']}" if meeting.get("room") else ""
    return f"{meeting['title']}, {span(meeting)}{where}"


def messages(
    rota: dict[str, Any], changes: list[PersonChange], old: dict[str, Any] | None = None
) -> tuple[dict[str, str], str]:
    """Ready-to-send plain text: one message per affected person (keyed by attendee id) and
    one summary for the group chat. Names only, no contact details."""
    names = {a["id"]: a["name"] for a in rota["attendees"]}
    meetings = {m["id"]: m for m in (old or {}).get("meetings", [])}
    meetings.update({m["id"]: m for m in rota["meetings"]})
    version = rota.get("run", {}).get("version", "?")
    days = ", ".join(rota["days"])
    personal: dict[str, str] = {}
    for change in changes:
        lines = [
            f"Hi {names.get(change.attendee, change.attendee)}, your rota for {days} "
            f"changed (version {version}):"
        ]
        for meeting_id in change.added:
            meeting = meetings[meeting_id]
            others = [names.get(a, a) for a in meeting["attendees"] if a != change.attendee]
            with_whom = f" with {', '.join(others)}" if others else " (on your own)"
            lines.append(f"+ ADDED: {_describe(meeting)}{with_whom}")
        for meeting_id, why in change.removed:
            lines.append(f"- REMOVED: {_describe(meetings[meeting_id])}: {why}")
        mine = [m for m in rota["meetings"] if change.attendee in m["attendees"]]
        if mine:
            lines.append("Your day now: " + "; ".join(_describe(m) for m in mine))
        else:
            lines.append("You have no meetings now.")
        personal[change.attendee] = "\n".join(lines)

    covered = sum(1 for m in rota["meetings"] if m["status"] == "covered")
    held = sum(1 for m in rota["meetings"] if m["status"] != "cancelled")
    summary = [
        f"Rota update, {days} (version {version}): {len(changes)} "
        f"{'person' if len(changes) == 1 else 'people'} affected, "
        f"{covered} of {held} meetings covered."
    ]
    for change in changes:
        name = names.get(change.attendee, change.attendee)
        for meeting_id in change.added:
            meeting = meetings[meeting_id]
            summary.append(f"+ {name} -> {meeting['title']} {clock(meeting['start'])}")
        for meeting_id, _ in change.removed:
            meeting = meetings[meeting_id]
            summary.append(f"- {name} off {meeting['title']} {clock(meeting['start'])}")
    # What the group can still act on: not closed, not already over.
    uncovered = [u for u in rota["uncovered"] if u["reason"] not in ("closed", "already_started")]
    if uncovered:
        summary.append("Still uncovered:")
        for item in uncovered:
            meeting = meetings[item["meeting"]]
            summary.append(f"! {meeting['title']} {clock(meeting['start'])}: {item['reason']}")
    return personal, "\n".join(summary)
