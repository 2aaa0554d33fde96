"""The group's rules as plain functions: who may attend what, and which duties clash.

Each function states one documented rule (see README, "The rules"). The solver
turns their answers into constraints; `explain` uses them to say why a meeting
is uncovered. Times are handled as whole minutes since the Unix epoch, so that
lengths are real elapsed time whatever the wall clock does (DST).
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from coverage.domain import Attendee, Conference, Meeting


def minute(moment: datetime) -> int:
    """A moment as whole minutes since the Unix epoch (real elapsed time)."""
    return int(moment.timestamp()) // 60


def meeting_weight(meeting: Meeting, conference: Conference) -> int:
    """weight(m) = priority(m) x max(1, the largest weight of its issues)."""
    weights = {issue.id: issue.weight for issue in conference.issues}
    heaviest = max((weights.get(issue, 1) for issue in meeting.issues), default=1)
    return meeting.priority * max(1, heaviest)


def required_expertise(meeting: Meeting, conference: Conference) -> int:
    """The expertise level a person needs for this meeting (0 when it has no issues)."""
    if not meeting.issues:
        return 0
    if meeting.min_expertise is not None:
        return meeting.min_expertise
    return conference.rules.default_min_expertise


class Barrier(enum.Enum):
    """Why a person may not attend a meeting at all; in the order `eligibility` checks them."""

    CANCELLED = "cancelled"
    CLOSED = "closed"
    NO_DELEGATION = "no_delegation"
    NOT_ON_DELEGATIONS = "not_on_delegations"
    EXPERTISE = "expertise"
    NOT_AVAILABLE = "not_available"


def eligibility(attendee: Attendee, meeting: Meeting, conference: Conference) -> Barrier | None:
    """The first rule that keeps `attendee` out of `meeting`, or None when they may attend.

    Not cancelled; not closed; `member_states` needs a delegation; `delegations` needs
    theirs on the list; enough expertise on the meeting's issues; inside their
    availability and touching none of their unavailable periods.
    """
    if meeting.status == "cancelled":
        return Barrier.CANCELLED
    if meeting.access == "closed":
        return Barrier.CLOSED
    barrier = access_barrier(attendee, meeting)
    if barrier is not None:
        return barrier
    if not knows_enough(attendee, meeting, conference):
        return Barrier.EXPERTISE
    if not free_then(attendee, meeting, conference):
        return Barrier.NOT_AVAILABLE
    return None


def access_barrier(attendee: Attendee, meeting: Meeting) -> Barrier | None:
    """Whether the meeting's access rule keeps the person out: `member_states` needs a
    delegation, `delegations` needs theirs on the list (closed meetings admit no one)."""
    if meeting.access == "member_states" and attendee.delegation is None:
        return Barrier.NO_DELEGATION
    if meeting.access == "delegations" and attendee.delegation not in meeting.delegations:
        return Barrier.NOT_ON_DELEGATIONS
    return None


def knows_enough(attendee: Attendee, meeting: Meeting, conference: Conference) -> bool:
    """Whether the person's best expertise over the meeting's issues reaches its need."""
    return attendee.best_level(meeting.issues) >= required_expertise(meeting, conference)


class Admission:
    """The eligibility rule applied to many (attendee, meeting) pairs at once: the same
    answers as `eligibility`, found without looking at every pair (people are indexed by
    delegation, and expertise is looked up once per meeting)."""

    def __init__(self, attendees: Sequence[Attendee], conference: Conference) -> None:
        self.attendees = list(attendees)
        self.conference = conference
        self._order = {a.id: n for n, a in enumerate(self.attendees)}
        self._seated = [a for a in self.attendees if a.delegation is not None]
        self._by_delegation: dict[str, list[Attendee]] = {}
        for person in self._seated:
            self._by_delegation.setdefault(person.delegation or "", []).append(person)

    def candidates(self, meeting: Meeting) -> list[Attendee]:
        """Everyone `eligibility` lets into `meeting`, in the attendees' order."""
        if meeting.status == "cancelled" or meeting.access == "closed":
            return []
        if meeting.access == "member_states":
            pool = self._seated
        elif meeting.access == "delegations":
            found = [
                p for code in set(meeting.delegations) for p in self._by_delegation.get(code, [])
            ]
            pool = sorted(found, key=lambda p: self._order[p.id])
        else:
            pool = self.attendees
        need = required_expertise(meeting, self.conference)
        if need > 0:
            issues = meeting.issues
            pool = [p for p in pool if max(p.expertise.get(i, 0) for i in issues) >= need]
        return [p for p in pool if free_then(p, meeting, self.conference)]


def available(attendee: Attendee, start: datetime, end: datetime) -> bool:
    """Whether [start, end) lies inside the person's availability and misses every
    unavailable period (periods are half-open: one ending at 12:00 allows a 12:00 start)."""
    if attendee.available_from is not None and start < attendee.available_from:
        return False
    if attendee.available_until is not None and end > attendee.available_until:
        return False
    return not any(period.overlaps(start, end) for period in attendee.unavailable)


def within_hours(attendee: Attendee, meeting: Meeting, conference: Conference) -> bool:
    """Whether the meeting lies inside the person's own hours of its conference day
    (`earliest` to `latest`, when they have them)."""
    if attendee.earliest is None and attendee.latest is None:
        return True
    day = conference.day_of(meeting.start)
    if attendee.earliest is not None:
        first = conference.localize(datetime.combine(day, attendee.earliest))
        if meeting.start < first:
            return False
    return attendee.latest is None or meeting.end <= conference.on_day(day, attendee.latest)


def free_then(attendee: Attendee, meeting: Meeting, conference: Conference) -> bool:
    """Whether the person is there for the meeting: available, and within their hours."""
    return available(attendee, meeting.start, meeting.end) and within_hours(
        attendee, meeting, conference
    )


def late_nights_limit(attendee: Attendee, conference: Conference) -> int:
    """The most late nights in a row the person may have: their own, or the conference's."""
    own = attendee.max_late_nights_in_a_row
    return conference.rules.max_late_nights_in_a_row if own is None else own


def duty_cap_minutes(attendee: Attendee, conference: Conference) -> int:
    """The most minutes of meetings the person may sit in on one conference day."""
    hours = attendee.max_duty_hours or conference.rules.max_duty_hours
    return round(hours * 60)


def late_night_threshold(conference: Conference, day: date) -> datetime:
    """A meeting of conference day `day` ending after this moment makes it a late night.

    The threshold is `late_night_after` on the next morning when that time is before
    `day_start` (00:00, 01:00, ...), else on the day itself (e.g. 23:00).
    """
    after = conference.rules.late_night_after
    on = day + timedelta(days=1) if after < conference.day_start else day
    return conference.localize(datetime.combine(on, after))


def is_late(meeting: Meeting, conference: Conference) -> bool:
    """Whether attending this meeting makes its conference day a late night."""
    return meeting.end > late_night_threshold(conference, conference.day_of(meeting.start))


def night_minutes(meeting: Meeting, conference: Conference) -> int:
    """Minutes of the meeting past its day's late-night threshold (they count extra for
    fairness)."""
    threshold = late_night_threshold(conference, conference.day_of(meeting.start))
    return max(0, minute(meeting.end) - max(minute(meeting.start), minute(threshold)))


def history_reach(conference: Conference, attendees: Sequence[Attendee] = ()) -> int:
    """How many days away a published day can still constrain a planned one: through the
    late-night run (the longest anyone may have), or through rest and changeover across
    midnight."""
    rules = conference.rules
    gap_days = -(-(rules.min_rest_hours * 60 + rules.changeover_minutes) // (24 * 60))
    longest = max(
        [rules.max_late_nights_in_a_row, *(late_nights_limit(a, conference) for a in attendees)]
    )
    return int(max(longest, gap_days)) + 1


@dataclass(frozen=True)
class Duty:
    """A stretch a person may spend in a meeting: the unit the separation rules talk about."""

    key: str
    start: int  # minutes since the epoch
    end: int
    day: int  # date.toordinal() of its conference day


def overlap_groups(duties: Sequence[Duty], changeover: int) -> list[tuple[str, ...]]:
    """Maximal groups of duties that pairwise break the changeover rule, so that a person
    can take at most one duty of each group.

    Two duties clash when they overlap once each end is pushed back by the changeover.
    One sweep over start times finds the groups (the clash graph is an interval graph).
    """
    order = sorted(duties, key=lambda d: (d.start, d.end, d.key))
    groups: list[tuple[str, ...]] = []
    active: list[Duty] = []
    for duty in order:
        still = [d for d in active if d.end + changeover > duty.start]
        # Something leaves right after an arrival: the group as it stood was maximal.
        if len(still) < len(active) and len(active) > 1:
            groups.append(tuple(d.key for d in active))
        active = [*still, duty]
    if len(active) > 1:
        groups.append(tuple(d.key for d in active))
    return groups


def clashes(first: Duty, second: Duty, changeover: int, rest: int) -> bool:
    """Whether one person may not take both duties: they must be `changeover` minutes
    apart, and `rest` minutes apart when they belong to different conference days."""
    early, late = sorted((first, second), key=lambda d: (d.start, d.end))
    gap = late.start - early.end
    return gap < changeover or (early.day != late.day and gap < rest)


def rest_clashes(duties: Sequence[Duty], changeover: int, rest: int) -> list[tuple[str, str]]:
    """Pairs of duties on different conference days that keep the changeover but break the
    rest rule; found by a sweep over start times, looking only `rest` minutes ahead."""
    order = sorted(duties, key=lambda d: (d.start, d.key))
    starts = [d.start for d in order]
    pairs: list[tuple[str, str]] = []
    for earlier in order:
        lo = bisect.bisect_left(starts, earlier.end + changeover)
        hi = bisect.bisect_left(starts, earlier.end + rest)
        for later in order[lo:hi]:
            if later.day > earlier.day:
                pairs.append((earlier.key, later.key))
    return pairs


def late_night_windows(
    days: Iterable[int], history_late: Iterable[int], in_a_row: int
) -> list[tuple[tuple[int, ...], int]]:
    """The runs of `in_a_row + 1` consecutive days that touch a planned day, each with how
    many of its days are already late nights in the fixed history. A person may have at
    most `in_a_row` late nights in any such run."""
    planned = sorted(set(days))
    past = set(history_late)
    length = in_a_row + 1
    windows: dict[int, tuple[tuple[int, ...], int]] = {}
    for day in planned:
        for first in range(day - length + 1, day + 1):
            run = tuple(range(first, first + length))
            windows[first] = (
                # A planned day already late through a frozen meeting counts as history.
                tuple(d for d in run if d in planned and d not in past),
                sum(1 for d in run if d in past),
            )
    return [windows[k] for k in sorted(windows)]
