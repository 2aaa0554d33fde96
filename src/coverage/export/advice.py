"""What the advisor found, as plain text for the terminal and as JSON with stable keys
(see the README, "The coordinator's advisor"). Every text from the workspace is shown as
text (no control characters)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from coverage.advice import Criticality, Optimum, Ranking, Scenario
from coverage.domain import Meeting, Workspace
from coverage.export.common import printable
from coverage.published import day_text


def _days(days: Sequence[date]) -> str:
    return str(days[0]) if len(days) == 1 else f"{days[0]} to {days[-1]}"


def _proof(proven: bool) -> str:
    return "proven" if proven else "NOT proven"


def _meeting_line(ws: Workspace, meeting_id: str, who: Sequence[str], names: dict[str, str]) -> str:
    try:
        meeting: Meeting | None = ws.meeting(meeting_id)
    except KeyError:
        meeting = None
    local = ws.conference.localize
    when = ""
    if meeting:
        day = ws.conference.day_of(meeting.start)
        span = f"{local(meeting.start):%H:%M}-{local(meeting.end):%H:%M}"
        # After midnight a meeting belongs to the conference day before: say so, as the
        # rota's outputs do ('Mon 5 Nov 00:30' reads as the morning before it).
        if local(meeting.start).date() > day:
            when = f"{span}, the night of {day_text(day)}: "
        else:
            when = f"{day_text(day)} {span} "
    title = meeting.title if meeting else meeting_id
    people = ", ".join(names.get(a, a) for a in who)
    return "     " + printable(f"{when}{title} ({meeting_id})" + (f": {people}" if people else ""))


# --- recruit ---------------------------------------------------------------------------------


def recruit_text(ranking: Ranking, ws: Workspace, days: Sequence[date], top: int) -> str:
    base = ranking.baseline
    lines = [
        f"Whom to recruit for {_days(days)}: coverage now {base.coverage} "
        f"({_proof(base.coverage_proven)})",
        f"{ranking.candidates} profiles weighed, {ranking.solved} optima solved (profiles "
        f"that open the same meetings share one), {ranking.pruned} profiles left out by their "
        "bound" + (" (none of them can beat the last shown)" if ranking.pruned else ""),
    ]
    if ranking.partial:
        lines.append("PARTIAL: stopped before the ranking was settled; the list is what was solved")
    for rank, s in enumerate(ranking.top(top), start=1):
        lines.append(
            f"{rank}. {printable(s.profile.label)}: +{s.gain} (coverage {s.coverage}, "
            f"{_proof(s.proven)})"
        )
        if s.goes_to:
            lines.append(f"   would take {len(s.goes_to)} meeting(s):")
            lines += [_meeting_line(ws, m, (), {}) for m in s.goes_to]
        if s.meetings:
            lines.append(f"   newly covered: {', '.join(s.meetings)}")
    if not ranking.suggestions:
        lines.append("no profile solved")
    return "\n".join(lines) + "\n"


def recruit_json(ranking: Ranking, days: Sequence[date], top: int) -> str:
    record = {
        "days": [str(d) for d in days],
        "baseline": _coverage(ranking.baseline),
        "partial": ranking.partial,
        "candidates": ranking.candidates,
        "solved": ranking.solved,
        "pruned": ranking.pruned,
        "suggestions": [
            {
                "rank": rank,
                "delegation": s.profile.delegation,
                "expertise": dict(s.profile.expertise),
                "coverage": s.coverage,
                "gain": s.gain,
                "proven": s.proven,
                "meetings": list(s.meetings),
                "takes": list(s.goes_to),
                "bound": s.bound,
            }
            for rank, s in enumerate(ranking.top(top), start=1)
        ],
    }
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def _coverage(optimum: Optimum) -> dict[str, Any]:
    found: dict[str, Any] = {"coverage": optimum.coverage, "proven": optimum.coverage_proven}
    if optimum.depth is not None:
        found |= {"depth": optimum.depth, "depth_proven": optimum.depth_proven}
    return found


# --- critical --------------------------------------------------------------------------------


def critical_text(found: Criticality, ws: Workspace, days: Sequence[date]) -> str:
    base = found.baseline
    lines = [
        f"Who is critical on {_days(days)}: coverage with everyone {base.coverage} "
        f"({_proof(base.coverage_proven)})"
    ]
    if found.partial:
        lines.append("PARTIAL: stopped before everyone was weighed")
    costly = [x for x in found.losses if x.lost > 0]
    free = [x for x in found.losses if x.lost == 0]
    for n, loss in enumerate(costly, start=1):
        lines.append(
            f"{n}. {printable(loss.name)} ({loss.attendee}): -{loss.lost} "
            f"(coverage {loss.coverage}, {_proof(loss.proven)})"
        )
        lines += [_meeting_line(ws, m, (), {}) for m in loss.meetings]
    if free:
        names = ", ".join(printable(f"{x.name} ({x.attendee})") for x in free)
        lines.append(f"losing any one of these costs nothing: {names}")
    return "\n".join(lines) + "\n"


def critical_json(found: Criticality, days: Sequence[date]) -> str:
    record = {
        "days": [str(d) for d in days],
        "baseline": _coverage(found.baseline),
        "partial": found.partial,
        "people": [
            {
                "attendee": x.attendee,
                "name": x.name,
                "coverage": x.coverage,
                "lost": x.lost,
                "proven": x.proven,
                "meetings": list(x.meetings),
                "solved": x.solved,
            }
            for x in found.losses
        ],
    }
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


# --- what-if ---------------------------------------------------------------------------------


def what_if_text(found: Scenario, ws: Workspace, days: Sequence[date]) -> str:
    before, after = found.before, found.after
    names = dict(found.people)
    lines = [
        f"What if, on {_days(days)}:",
        f"  coverage {before.coverage} -> {after.coverage} ({after.coverage - before.coverage:+d}; "
        f"{_proof(before.coverage_proven and after.coverage_proven)})",
        f"  depth    {before.depth} -> {after.depth} "
        f"({_proof(before.depth_proven and after.depth_proven)})",
    ]
    if found.gained:
        lines.append("meetings that gain cover (who would go):")
        lines += [_meeting_line(ws, m, after.attending(m), names) for m in found.gained]
    if found.lost:
        lines.append("meetings that lose cover (who was there):")
        lines += [_meeting_line(ws, m, before.attending(m), names) for m in found.lost]
    if not found.gained and not found.lost:
        lines.append("no meeting gains or loses cover")
    lines.append("nothing was written")
    return "\n".join(lines) + "\n"


def what_if_json(found: Scenario, days: Sequence[date]) -> str:
    before, after = found.before, found.after
    record = {
        "days": [str(d) for d in days],
        "baseline": _coverage(before),
        "scenario": {
            **_coverage(after),
            "gain": after.coverage - before.coverage,
            "lost": max(0, before.coverage - after.coverage),
            "meetings": sorted({*found.gained, *found.lost}),
            "gained": [{"meeting": m, "attendees": after.attending(m)} for m in found.gained],
            "lost_cover": [{"meeting": m, "attendees": before.attending(m)} for m in found.lost],
        },
    }
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
