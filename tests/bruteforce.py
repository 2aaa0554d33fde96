"""The lexicographic optimum (coverage, then depth) by exhaustive search, for tiny instances.

Feasibility is judged with the checker's rule logic. Every rule is monotone (dropping an
assignment never breaks one), so a partial rota that breaks a rule can be pruned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from itertools import combinations
from typing import Any

from checker import (
    Duty,
    conference_day,
    fixed_duties,
    ineligibility,
    max_duty_hours,
    person_violations,
    utc,
    weight,
)

from coverage.domain import Workspace


def best_scores(
    workspace: Workspace, days: Iterable[date | str], fixed: Sequence[Any] = ()
) -> tuple[int, int]:
    """The best (coverage, depth) over all feasible rotas of `days`, given fixed history."""
    found = best_or_none(workspace, days, fixed)
    assert found is not None, "no rota keeps every rule and every pin"
    return found


def best_or_none(
    workspace: Workspace, days: Iterable[date | str], fixed: Sequence[Any] = ()
) -> tuple[int, int] | None:
    """The best (coverage, depth) over the rotas of `days` that keep every rule and seat
    every pinned person of a meeting that is not cancelled (None when no rota does)."""
    conference = workspace.conference
    wanted = {date.fromisoformat(d) if isinstance(d, str) else d for d in days}
    history = fixed_duties(fixed)
    attendees = {a.id: a for a in workspace.attendees}
    hours = {a.id: max_duty_hours(conference, a) for a in workspace.attendees}

    schedules: dict[str, list[Duty]] = {a.id: [] for a in workspace.attendees}
    for duty in history:
        schedules.setdefault(duty.attendee, []).append(duty)

    def ok(person: str, extra: Duty) -> bool:
        items = [*schedules[person], extra]
        return not person_violations(conference, person, hours[person], items, attendees[person])

    # Each meeting with the people who may attend it alone (with the history), and the
    # people pinned to it (who must all be in the group chosen).
    options: list[tuple[int, int, list[tuple[str, Duty]], frozenset[str]]] = []
    for meeting in workspace.meetings:
        day = conference_day(conference, meeting.start)
        if day not in wanted:
            continue
        pinned = frozenset(meeting.pinned) if meeting.status != "cancelled" else frozenset()
        people = []
        for person, attendee in attendees.items():
            if ineligibility(conference, attendee, meeting) is not None:
                continue
            duty = Duty(meeting.id, person, day, utc(meeting.start), utc(meeting.end))
            if ok(person, duty):
                people.append((person, duty))
        if not pinned <= {p for p, _ in people}:
            return None  # a pinned person may not attend at all
        if people:
            options.append((weight(conference, meeting), meeting.seats, people, pinned))
    options.sort(key=lambda o: (not o[3], -o[0]))  # pinned meetings first

    # Upper bounds of what the meetings from index i on can still add.
    n = len(options)
    cov_left = [0] * (n + 1)
    depth_left = [0] * (n + 1)
    pins_left = [False] * (n + 1)
    for i in range(n - 1, -1, -1):
        w, seats, people, pinned = options[i]
        cov_left[i] = cov_left[i + 1] + w
        depth_left[i] = depth_left[i + 1] + w * (min(seats, len(people)) - 1)
        pins_left[i] = pins_left[i + 1] or bool(pinned)

    best: tuple[int, int] | None = None

    def search(i: int, cov: int, depth: int) -> None:
        nonlocal best
        if not pins_left[i] and (best is None or (cov, depth) > best):
            best = (cov, depth)  # the meetings left may all go uncovered
        if i == n or (best is not None and (cov + cov_left[i], depth + depth_left[i]) <= best):
            return
        w, seats, people, pinned = options[i]
        for size in range(min(seats, len(people)), 0, -1):
            for group in combinations(people, size):
                if not pinned <= {p for p, _ in group}:
                    continue
                added: list[str] = []
                feasible = True
                for person, duty in group:
                    if not ok(person, duty):
                        feasible = False
                        break
                    schedules[person].append(duty)
                    added.append(person)
                if feasible:
                    search(i + 1, cov + w, depth + w * (size - 1))
                for person in added:
                    schedules[person].pop()
        if not pinned:
            search(i + 1, cov, depth)

    search(0, 0, 0)
    return best
