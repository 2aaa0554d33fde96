"""Replanning: frozen assignments never move, a no-change replan changes nothing, and on tiny
instances brute force confirms the coverage and, at that coverage, the least disruption."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from itertools import combinations
from typing import Any

from checker import (
    Duty,
    check_rota,
    conference_day,
    ineligibility,
    max_duty_hours,
    person_violations,
    utc,
    weight,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import tiny_workspaces

from coverage.domain import Meeting, Workspace
from coverage.plan import FixedAssignment, PlanOptions, plan, replan

SETTINGS = settings(max_examples=40)  # the rest: the shared profile (conftest.py)
OPTIONS = PlanOptions(seed=0, time_limit=10)


def published_pairs(ws: Workspace, day: date) -> list[FixedAssignment]:
    """Plan `day` of `ws` and return its assignments as the published rota."""
    rota = plan(ws, [day], [], OPTIONS).to_dict()
    return [
        FixedAssignment(a["meeting"], a["attendee"], day, utc(a["start"]), utc(a["end"]))
        for a in rota["assignments"]
    ]


def best_replan(
    ws: Workspace, day: date, published: Sequence[FixedAssignment], now: datetime
) -> tuple[int, int, int]:
    """Exhaustively: the best (coverage, depth, -disruption) over valid rotas of `day` that keep
    the assignments of meetings started before `now` and re-plan the others."""
    conference = ws.conference
    frozen = [p for p in published if p.start < now]
    later = {(p.attendee, p.meeting) for p in published if p.start >= now}
    frozen_ids = {p.meeting for p in frozen}
    schedules: dict[str, list[Duty]] = {a.id: [] for a in ws.attendees}
    for p in frozen:
        schedules[p.attendee].append(Duty(p.meeting, p.attendee, day, utc(p.start), utc(p.end)))
    hours = {a.id: max_duty_hours(conference, a) for a in ws.attendees}
    meetings = {m.id: m for m in ws.meetings}
    counts: dict[str, int] = {}
    for p in frozen:
        counts[p.meeting] = counts.get(p.meeting, 0) + 1
    base_cov = sum(weight(conference, meetings[m]) for m in counts)
    base_depth = sum(
        weight(conference, meetings[m]) * (min(n, meetings[m].seats) - 1) for m, n in counts.items()
    )
    todo: list[Meeting] = [
        m
        for m in ws.meetings
        if conference_day(conference, m.start) == day
        and utc(m.start) >= utc(now)
        and m.id not in frozen_ids
    ]
    eligible = {
        m.id: [a.id for a in ws.attendees if ineligibility(conference, a, m) is None] for m in todo
    }
    best = (-1, -1, -(10**9))

    def search(i: int, cov: int, depth: int, chosen: set[tuple[str, str]]) -> None:
        nonlocal best
        if i == len(todo):
            score = (cov, depth, -len(chosen ^ later))
            best = max(best, score)
            return
        meeting = todo[i]
        w = weight(conference, meeting)
        people = eligible[meeting.id]
        for size in range(0, min(meeting.seats, len(people)) + 1):
            for group in combinations(people, size):
                duties = [
                    Duty(meeting.id, p, day, utc(meeting.start), utc(meeting.end)) for p in group
                ]
                if all(
                    not person_violations(
                        conference, p, hours[p], [*schedules[p], d], ws.attendee(p)
                    )
                    for p, d in zip(group, duties, strict=True)
                ):
                    for p, d in zip(group, duties, strict=True):
                        schedules[p].append(d)
                    gain = (w, w * (size - 1)) if size else (0, 0)
                    search(
                        i + 1,
                        cov + gain[0],
                        depth + gain[1],
                        chosen | {(p, meeting.id) for p in group},
                    )
                    for p in group:
                        schedules[p].pop()

    search(0, base_cov, base_depth, set())
    return best


def score(rota: dict[str, Any], tier: str) -> int:
    (found,) = [s["value"] for s in rota["scores"] if s["tier"] == tier]
    return found


@st.composite
def replan_cases(draw: st.DrawFn) -> tuple[Workspace, Workspace, date, datetime]:
    """A workspace, the version of it the published rota was planned on (one meeting fewer,
    or one meeting not yet cancelled), the day and the replan time."""
    ws = draw(tiny_workspaces(dst=False))
    day = ws.conference.start
    todays = [m for m in ws.meetings if conference_day(ws.conference, m.start) == day]
    if not todays:
        return (
            ws,
            ws,
            day,
            utc(todays[0].start)
            if todays
            else datetime.combine(day, datetime.min.time(), ws.conference.tz),
        )
    change = draw(st.sampled_from(["added", "cancelled", "none"]))
    target = draw(st.sampled_from(todays))
    if change == "added":
        before = ws.model_copy(
            update={"meetings": tuple(m for m in ws.meetings if m.id != target.id)}
        )
    elif change == "cancelled":
        before = ws
        ws = ws.model_copy(
            update={
                "meetings": tuple(
                    m.model_copy(update={"status": "cancelled"}) if m.id == target.id else m
                    for m in ws.meetings
                )
            }
        )
    else:
        before = ws
    starts = sorted(utc(m.start) for m in todays)
    now = draw(
        st.sampled_from(
            [starts[0] - timedelta(minutes=1), *starts, starts[-1] + timedelta(minutes=1)]
        )
    )
    return ws, before, day, now


@settings(SETTINGS, max_examples=200)
@given(replan_cases())
def test_replan_is_valid_optimal_and_least_disruptive(
    case: tuple[Workspace, Workspace, date, datetime],
) -> None:
    ws, before, day, now = case
    published = published_pairs(before, day)
    rota = replan(ws, day, published, now, [], OPTIONS, based_on=1).to_dict()
    assert check_rota(ws, rota) == []
    # Frozen assignments are kept exactly.
    kept = {(a["attendee"], a["meeting"]) for a in rota["assignments"]}
    assert {(p.attendee, p.meeting) for p in published if p.start < now} <= kept
    cov, depth, minus_disruption = best_replan(ws, day, published, now)
    assert (score(rota, "coverage"), score(rota, "depth")) == (cov, depth)
    assert score(rota, "stability") == -minus_disruption
    assert all(
        s["optimal"] for s in rota["scores"] if s["tier"] in ("coverage", "depth", "stability")
    )


@SETTINGS
@given(tiny_workspaces(dst=False), st.integers(0, 30))
def test_replan_with_nothing_changed_changes_nothing(ws: Workspace, minutes: int) -> None:
    day = ws.conference.start
    published = published_pairs(ws, day)
    now = datetime.combine(day, datetime.min.time(), ws.conference.tz) + timedelta(
        hours=8, minutes=minutes * 20
    )
    rota = replan(ws, day, published, now, [], OPTIONS, based_on=1).to_dict()
    assert rota["replan"]["disruption"] == 0 and rota["replan"]["changes"] == []
    assert {(a["attendee"], a["meeting"]) for a in rota["assignments"]} == {
        (p.attendee, p.meeting) for p in published
    }
