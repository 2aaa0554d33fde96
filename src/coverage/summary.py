"""What `rota check` reports about a valid workspace."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from coverage import rules
from coverage.domain import Workspace


@dataclass(frozen=True)
class DaySummary:
    """One conference day at a glance."""

    day: date
    meetings: int
    eligible_pairs: int
    without_candidates: int  # meetings (not cancelled) nobody may attend


@dataclass(frozen=True)
class WorkspaceSummary:
    """The workspace at a glance, day by day."""

    days: list[DaySummary]

    @property
    def eligible_pairs(self) -> int:
        """(attendee, meeting) pairs the rules allow, over all days."""
        return sum(d.eligible_pairs for d in self.days)


def summarise(workspace: Workspace) -> WorkspaceSummary:
    """Count meetings and eligible pairs per conference day."""
    conference = workspace.conference
    meetings: Counter[date] = Counter()
    pairs: Counter[date] = Counter()
    orphans: Counter[date] = Counter()
    admission = rules.Admission(workspace.attendees, conference)
    for meeting in workspace.meetings:
        day = conference.day_of(meeting.start)
        meetings[day] += 1
        eligible = len(admission.candidates(meeting))
        pairs[day] += eligible
        if eligible == 0 and meeting.status != "cancelled":
            orphans[day] += 1
    return WorkspaceSummary(
        [DaySummary(d, meetings[d], pairs[d], orphans[d]) for d in conference.days()]
    )
