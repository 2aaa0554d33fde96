"""The hard rules a rota keeps, one class each, in one place.

Who may attend a meeting at all (cancelled, closed, access, expertise, availability) is
`coverage.rules.eligibility`: the staffing problem has an option only for pairs it admits.
The rules below are about what one person can take together, and each says, once:

- `constrain`: the rule as linear constraints over the staffing problem's decisions,
  written against `Linear`, which both solvers implement (CP-SAT in
  `coverage.solver.constraints`, the coverage MIP in `coverage.solver.mip`);
- `obstacle`: why the rule keeps one person from also taking a meeting the rota left
  uncovered, in words (`coverage.explain` asks every rule; `allowed`, for outreach's free
  slots, asks with no conference settings in the context: read numbers from the problem);
- `tracker`: the rule followed pair by pair (the warm start, `keeps_the_rules`);
- what it needs from the problem (`coverage.problem.build_problem` derives it with the
  functions of `coverage.rules`: clash groups, rest pairs, duty caps, late-night windows).

Adding a rule means a class here, listed in `HARD_RULES`, with its three methods (the
base class makes them abstract, and `tests/test_explain.py` fails while a rule that can
leave a meeting uncovered has no case naming it); the independent checker in the tests is
written from the README. README, "Where each rule lives", lists the steps.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from coverage.domain import Rules
from coverage.problem import FixedAssignment, StaffingProblem

Pair = tuple[str, str]  # (attendee, meeting)


class Linear(Protocol):
    """The constraints the rules need, as a solver's model offers them (variables are the
    solver's own Booleans)."""

    def at_most_one(self, variables: Sequence[Any]) -> None: ...

    def not_both(self, first: Any, second: Any) -> None: ...

    def at_most(self, terms: Sequence[tuple[int, Any]], bound: int) -> None: ...

    def implies(self, condition: Any, consequence: Any) -> None: ...


class Tracker(Protocol):
    """A rule followed pair by pair while a rota is built (the warm start, and checks of a
    finished rota): whether one more (attendee, meeting) still keeps it."""

    def allows(self, attendee: str, meeting: str) -> bool: ...

    def add(self, attendee: str, meeting: str) -> None: ...

    def empty(self) -> Tracker:
        """The same rule followed from an empty rota again, sharing what this tracker has
        worked out of the problem (each person's clashes)."""
        ...


class Decisions:
    """A solver's Booleans over one staffing problem: `covers[attendee, meeting]` and
    `late_night[attendee, day]`, indexed by meeting and by attendee (in `covers` order)."""

    def __init__(self, covers: Mapping[Pair, Any], late_night: Mapping[tuple[str, int], Any]):
        self.covers = covers
        self.late_night = late_night
        self.by_meeting: dict[str, list[Any]] = defaultdict(list)
        self.by_attendee: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        for (attendee, meeting), var in covers.items():
            self.by_meeting[meeting].append(var)
            self.by_attendee[attendee].append((meeting, var))


def late_night_keys(problem: StaffingProblem) -> list[tuple[str, int]]:
    """The (attendee, day) pairs that could become a late night: one Boolean each."""
    return sorted({(a, problem.slots[m].day) for a, m in problem.options if problem.slots[m].late})


@dataclass(frozen=True)
class Obstacle:
    """What keeps one qualified attendee from also covering the meeting."""

    attendee: str
    rule: str  # a HardRule's name
    message: str
    meetings: tuple[str, ...] = ()  # the attendee's meetings it clashes with
    # The rule would block the attendee even with no other meeting of the rota.
    standalone: bool = False


@dataclass(frozen=True)
class Context:
    """What an obstacle's wording needs: the problem, the person's name, how to name one
    of the problem's meetings, the conference's rule settings and the published duty (if
    any) that already keeps the person out."""

    problem: StaffingProblem
    name: str
    meeting_text: Callable[[str], str]
    settings: Rules | None  # None when only whether, not why, is asked (`allowed`)
    blocked_by: FixedAssignment | None = None
    blocked_text: str = ""  # "<meeting> on <day> until HH:MM", when blocked_by is set

    def setting(self, name: str) -> Any:
        """A rule setting of the conference, for the wording of an obstacle."""
        if self.settings is None:
            raise ValueError(f"internal: the wording needs the setting {name}")
        return getattr(self.settings, name)


class HardRule(ABC):
    """One rule: its name (as in the README, conference.yaml and explanations)."""

    name: ClassVar[str]
    # Whether the rule can be why a meeting got nobody (seats cannot: every meeting has one).
    can_leave_uncovered: ClassVar[bool] = True

    @abstractmethod
    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        """Add the rule to a solver's model."""

    @abstractmethod
    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        """Why the rule keeps `attendee` from also taking `meeting`, given the meetings
        `taken` of the rota (None when it does not)."""

    @abstractmethod
    def tracker(self, problem: StaffingProblem) -> Tracker:
        """The rule followed pair by pair, from an empty rota."""


class Seats(HardRule):
    """At most `seats` attendees per meeting."""

    name = "seats"
    can_leave_uncovered = False

    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        for meeting, attending in d.by_meeting.items():
            seats = problem.slots[meeting].seats
            if len(attending) > seats:
                model.at_most([(1, var) for var in attending], seats)

    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        return None  # an uncovered meeting has all its seats free

    def tracker(self, problem: StaffingProblem) -> Tracker:
        return _SeatsTracker(problem)


class _SeatsTracker:
    def __init__(self, problem: StaffingProblem) -> None:
        self._problem = problem
        self._slots = problem.slots
        self._seated: dict[str, int] = defaultdict(int)

    def empty(self) -> Tracker:
        return _SeatsTracker(self._problem)

    def allows(self, attendee: str, meeting: str) -> bool:
        return self._seated[meeting] < self._slots[meeting].seats

    def add(self, attendee: str, meeting: str) -> None:
        self._seated[meeting] += 1


class Changeover(HardRule):
    """A person's meetings are at least `changeover_minutes` apart: at most one per group
    of meetings that pairwise break that (`rules.overlap_groups`); a published duty that
    breaks it keeps the person out of the meeting altogether (`rules.clashes`)."""

    name = "changeover"

    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        for attendee, groups in problem.overlap_groups.items():
            for group in groups:
                model.at_most_one([d.covers[attendee, m] for m in group])

    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        fixed = context.blocked_by
        if fixed is not None:
            if fixed.day.toordinal() != context.problem.slots[meeting].day:
                return None  # across days: the rest rule's
            return Obstacle(
                attendee,
                self.name,
                f"{context.name} is published for {context.blocked_text} "
                f"(changeover_minutes {context.setting('changeover_minutes')})",
                (fixed.meeting,),
            )
        groups = context.problem.overlap_groups.get(attendee, [])
        clashing = sorted({m for g in groups if meeting in g for m in g} & set(taken))
        if not clashing:
            return None
        listed = ", ".join(context.meeting_text(m) for m in clashing)
        return Obstacle(attendee, self.name, f"{context.name} covers {listed}", tuple(clashing))

    def tracker(self, problem: StaffingProblem) -> Tracker:
        def clashes_of(attendee: str) -> dict[str, set[str]]:
            found: dict[str, set[str]] = defaultdict(set)
            for group in problem.overlap_groups.get(attendee, []):
                for meeting in group:
                    found[meeting].update(group)
            return found

        return _ClashTracker(clashes_of)


class _ClashTracker:
    """Pairs of meetings one person may not both take, from each person's clash sets
    (worked out the first time the person is asked about)."""

    def __init__(self, clashes_of: Callable[[str], dict[str, set[str]]]) -> None:
        self._clashes_of = clashes_of
        self._clashes: dict[str, dict[str, set[str]]] = {}
        self._taken: dict[str, set[str]] = defaultdict(set)

    def empty(self) -> Tracker:
        again = _ClashTracker(self._clashes_of)
        again._clashes = self._clashes  # worked out once per person, whatever is taken
        return again

    def allows(self, attendee: str, meeting: str) -> bool:
        clashes = self._clashes.get(attendee)
        if clashes is None:
            clashes = self._clashes[attendee] = self._clashes_of(attendee)
        found = clashes.get(meeting)
        return found is None or found.isdisjoint(self._taken[attendee])

    def add(self, attendee: str, meeting: str) -> None:
        self._taken[attendee].add(meeting)


class Rest(HardRule):
    """A meeting on a later conference day starts `min_rest_hours` after the person's
    meetings of earlier days end (`rules.rest_clashes`, and `rules.clashes` against
    published days)."""

    name = "rest"

    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        for attendee, pairs in problem.rest_pairs.items():
            for first, second in pairs:
                model.not_both(d.covers[attendee, first], d.covers[attendee, second])

    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        fixed = context.blocked_by
        if fixed is not None:
            hours = f"{context.setting('min_rest_hours'):g}"
            if fixed.day.toordinal() == context.problem.slots[meeting].day:
                return None  # the same day: the changeover rule's
            return Obstacle(
                attendee,
                self.name,
                f"{context.name} is published for {context.blocked_text} "
                f"(min_rest_hours {hours} h)",
                (fixed.meeting,),
            )
        pairs = context.problem.rest_pairs.get(attendee, [])
        resting = sorted(
            {b if a == meeting else a for a, b in pairs if meeting in (a, b)} & set(taken)
        )
        if not resting:
            return None
        listed = ", ".join(context.meeting_text(m) for m in resting)
        hours = f"{context.setting('min_rest_hours'):g}"
        return Obstacle(
            attendee,
            self.name,
            f"{context.name} would not get {hours} h of rest (min_rest_hours) around {listed}",
            tuple(resting),
        )

    def tracker(self, problem: StaffingProblem) -> Tracker:
        def clashes_of(attendee: str) -> dict[str, set[str]]:
            found: dict[str, set[str]] = defaultdict(set)
            for first, second in problem.rest_pairs.get(attendee, []):
                found[first].add(second)
                found[second].add(first)
            return found

        return _ClashTracker(clashes_of)


class DailyDuty(HardRule):
    """A person sits in at most `max_duty_hours` (their own, or the conference's) of
    meetings per conference day, counting what they already sat in that day."""

    name = "duty"

    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        for attendee, taken in d.by_attendee.items():
            per_day: dict[int, list[tuple[int, Any]]] = defaultdict(list)
            for meeting, var in taken:
                slot = problem.slots[meeting]
                per_day[slot.day].append((slot.minutes, var))
            for day, terms in per_day.items():
                cap = problem.duty_left(attendee, day)
                if sum(minutes for minutes, _ in terms) > cap:
                    model.at_most(terms, cap)

    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        if context.blocked_by is not None:
            return None
        problem = context.problem
        slot = problem.slots[meeting]
        same_day = sorted(m for m in taken if problem.slots[m].day == slot.day)
        already = problem.duty_used.get((attendee, slot.day), 0)
        minutes = sum(problem.slots[m].minutes for m in same_day) + slot.minutes + already
        cap = problem.duty_caps[attendee]
        if minutes <= cap:
            return None
        return Obstacle(
            attendee,
            self.name,
            f"{context.name} would sit {minutes / 60:g} h that day, over max_duty_hours "
            f"({cap / 60:g} h)",
            tuple(same_day),
            standalone=slot.minutes + already > cap,
        )

    def tracker(self, problem: StaffingProblem) -> Tracker:
        return _DutyTracker(problem)


class _DutyTracker:
    def __init__(self, problem: StaffingProblem) -> None:
        self._problem = problem
        self._minutes: dict[tuple[str, int], int] = defaultdict(int)

    def empty(self) -> Tracker:
        return _DutyTracker(self._problem)

    def allows(self, attendee: str, meeting: str) -> bool:
        slot = self._problem.slots[meeting]
        left = self._problem.duty_left(attendee, slot.day)
        return self._minutes[attendee, slot.day] + slot.minutes <= left

    def add(self, attendee: str, meeting: str) -> None:
        slot = self._problem.slots[meeting]
        self._minutes[attendee, slot.day] += slot.minutes


class LateNights(HardRule):
    """At most `max_late_nights_in_a_row` late nights on consecutive days, counting the
    published history (`rules.late_night_windows`)."""

    name = "late_nights"

    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        for (attendee, day), late in d.late_night.items():
            for meeting, var in d.by_attendee[attendee]:
                slot = problem.slots[meeting]
                if slot.day == day and slot.late:
                    model.implies(var, late)
        for attendee, windows in problem.late_windows.items():
            limit = problem.late_limit(attendee)
            for days, already in windows:
                nights = [d.late_night[attendee, n] for n in days if (attendee, n) in d.late_night]
                if nights and len(nights) + already > limit:
                    model.at_most([(1, night) for night in nights], max(0, limit - already))

    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        problem = context.problem
        slot = problem.slots[meeting]
        if context.blocked_by is not None or not slot.late:
            return None
        late_days = {problem.slots[m].day for m in taken if problem.slots[m].late} | {slot.day}
        limit = problem.late_limit(attendee)
        for days, already in problem.late_windows.get(attendee, []):
            if slot.day in days and already + sum(1 for n in days if n in late_days) > limit:
                return Obstacle(
                    attendee,
                    self.name,
                    f"{context.name} would have more than {limit} late nights in a "
                    "row (max_late_nights_in_a_row)",
                )
        return None

    def tracker(self, problem: StaffingProblem) -> Tracker:
        return _LateNightsTracker(problem)


class _LateNightsTracker:
    def __init__(self, problem: StaffingProblem) -> None:
        self._problem = problem
        self._windows: dict[str, dict[int, list[tuple[tuple[int, ...], int]]]] = {}
        self._late_days: dict[str, set[int]] = defaultdict(set)

    def empty(self) -> Tracker:
        again = _LateNightsTracker(self._problem)
        again._windows = self._windows  # each person's windows, whatever is taken
        return again

    def allows(self, attendee: str, meeting: str) -> bool:
        slot = self._problem.slots[meeting]
        late_days = self._late_days[attendee]
        if not slot.late or slot.day in late_days:
            return True
        windows = self._windows.get(attendee)
        if windows is None:
            windows = self._windows[attendee] = defaultdict(list)
            for days, already in self._problem.late_windows.get(attendee, []):
                for day in days:
                    windows[day].append((days, already))
        nights = late_days | {slot.day}
        limit = self._problem.late_limit(attendee)
        return all(
            already + len(nights.intersection(days)) <= limit for days, already in windows[slot.day]
        )

    def add(self, attendee: str, meeting: str) -> None:
        slot = self._problem.slots[meeting]
        if slot.late:
            self._late_days[attendee].add(slot.day)


class MeetingsPerDay(HardRule):
    """A person with `max_meetings_per_day` sits in at most that many meetings per
    conference day, counting those of a replanned day that already happened."""

    name = "meetings_per_day"

    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        for attendee, cap in sorted(problem.meeting_caps.items()):
            per_day: dict[int, list[tuple[int, Any]]] = defaultdict(list)
            for meeting, var in d.by_attendee.get(attendee, []):
                per_day[problem.slots[meeting].day].append((1, var))
            for day, terms in sorted(per_day.items()):
                left = cap - problem.meetings_used.get((attendee, day), 0)
                if len(terms) > left:
                    model.at_most(terms, max(0, left))

    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        problem = context.problem
        cap = problem.meeting_caps.get(attendee)
        if cap is None or context.blocked_by is not None:
            return None
        day = problem.slots[meeting].day
        same_day = sorted(m for m in taken if problem.slots[m].day == day)
        already = problem.meetings_used.get((attendee, day), 0)
        if len(same_day) + already + 1 <= cap:
            return None
        return Obstacle(
            attendee,
            self.name,
            f"{context.name} would have more than {cap} meeting(s) that day (max_meetings_per_day)",
            tuple(same_day),
            standalone=already + 1 > cap,
        )

    def tracker(self, problem: StaffingProblem) -> Tracker:
        return _MeetingsTracker(problem)


class _MeetingsTracker:
    def __init__(self, problem: StaffingProblem) -> None:
        self._problem = problem
        self._count: dict[tuple[str, int], int] = defaultdict(int)

    def empty(self) -> Tracker:
        return _MeetingsTracker(self._problem)

    def allows(self, attendee: str, meeting: str) -> bool:
        cap = self._problem.meeting_caps.get(attendee)
        if cap is None:
            return True
        day = self._problem.slots[meeting].day
        used = self._problem.meetings_used.get((attendee, day), 0)
        return self._count[attendee, day] + used < cap

    def add(self, attendee: str, meeting: str) -> None:
        self._count[attendee, self._problem.slots[meeting].day] += 1


class Pins(HardRule):
    """Each pinned person is on their meeting (`pinned:` in meetings.yaml). Pins that
    break another rule are refused before solving (`explain.pin_problems`), so a rota
    always has them; the warm start seats them first."""

    name = "pins"
    can_leave_uncovered = False  # it takes people elsewhere: the other rules say so

    def constrain(self, model: Linear, problem: StaffingProblem, d: Decisions) -> None:
        for pair in sorted(problem.required):
            if pair in d.covers:
                model.at_most([(-1, d.covers[pair])], -1)  # covers = 1

    def obstacle(
        self, context: Context, attendee: str, meeting: str, taken: Collection[str]
    ) -> Obstacle | None:
        return None

    def tracker(self, problem: StaffingProblem) -> Tracker:
        return _Anything()


class _Anything:
    def allows(self, attendee: str, meeting: str) -> bool:
        return True

    def add(self, attendee: str, meeting: str) -> None:
        pass

    def empty(self) -> Tracker:
        return self


# In the order the solvers add them (which also fixes the order of CP-SAT's search).
HARD_RULES: tuple[HardRule, ...] = (
    Seats(),
    Changeover(),
    Rest(),
    DailyDuty(),
    LateNights(),
    MeetingsPerDay(),
    Pins(),
)


def allowed(
    problem: StaffingProblem, attendee: str, meeting: str, taken: Collection[str] = ()
) -> bool:
    """Whether `attendee` may take `meeting` on top of `taken`: the pair is an option of
    the problem (eligible, and no published duty in the way) and no hard rule objects."""
    if (attendee, meeting) not in problem.options:
        return False
    context = Context(problem, attendee, str, None)
    return all(rule.obstacle(context, attendee, meeting, taken) is None for rule in HARD_RULES)


class Keeper:
    """A rota built pair by pair that keeps every hard rule: `allows` says whether one more
    (attendee, meeting) is an option not yet taken that breaks no rule, `add` takes it."""

    def __init__(self, problem: StaffingProblem, trackers: list[Tracker] | None = None) -> None:
        self._problem = problem
        self._options = problem.options
        self._trackers = trackers or [rule.tracker(problem) for rule in HARD_RULES]
        self.taken: set[Pair] = set()

    def allows(self, attendee: str, meeting: str) -> bool:
        key = (attendee, meeting)
        if key not in self._options or key in self.taken:
            return False
        return all(tracker.allows(attendee, meeting) for tracker in self._trackers)

    def add(self, attendee: str, meeting: str) -> None:
        self.taken.add((attendee, meeting))
        for tracker in self._trackers:
            tracker.add(attendee, meeting)

    def empty(self) -> Keeper:
        """A keeper of the same problem from an empty rota, sharing what this one worked
        out of it (each person's clashes: most of a greedy fill's time on a large plan)."""
        return Keeper(self._problem, [tracker.empty() for tracker in self._trackers])


def keeps_the_rules(problem: StaffingProblem, pairs: Iterable[Pair]) -> bool:
    """Whether a rota (attendee, meeting pairs) of `problem` keeps every hard rule."""
    pairs = set(pairs)
    if not problem.required <= pairs:
        return False
    keeper = Keeper(problem)
    for attendee, meeting in sorted(pairs):
        if not keeper.allows(attendee, meeting):
            return False
        keeper.add(attendee, meeting)
    return True
