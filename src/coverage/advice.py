"""The coordinator's advisor: whom to recruit, who is critical, what a change costs.

Each answer is the difference between two optima of the coverage tier (the weight of the
meetings covered, after the commitments the group made; with depth too for `what_if`),
each solved by the same engine as `rota plan` and reported with whether it is proven.
Nothing here writes a file: the workspaces compared are built in memory.

Recruiting ranks profiles of one more person (a delegation seat, or none, and one issue at
a level) by the coverage they add. A profile's gain is at most what that person alone
could cover (the heaviest set of meetings they may enter that do not overlap in time):
take the best rota with them and remove their assignments; what is left is a rota
without them that covers all but their meetings. So profiles are solved in the order of
that bound, and the search stops when the next bound cannot beat the N-th gain found:
the top N are exact when every solve is proven, and a profile not solved can at most tie.

Losing a person can cost at most the weight of the meetings they alone cover in the best
rota with everyone (the rest of that rota stays valid without them), so a person who
covers nothing alone costs nothing and needs no solve.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from coverage.domain import Attendee, Meeting, Period, Rules, Workspace
from coverage.errors import UsageError
from coverage.explain import refuse_broken_pins
from coverage.problem import FixedAssignment, StaffingProblem, build_problem
from coverage.rules import eligibility
from coverage.solver.model import SolveParams, StaffingModel

Pair = tuple[str, str]  # (attendee, meeting)

RECRUIT_ID = "recruit"
COVERAGE_TIERS = ("commitments", "coverage")
DEPTH_TIERS = ("commitments", "coverage", "depth")


# --- One optimum -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Optimum:
    """The best rota found for a workspace's days, with its coverage (and depth, when
    asked) and whether each is proven optimal."""

    coverage: int
    coverage_proven: bool
    depth: int | None
    depth_proven: bool
    assignments: frozenset[Pair]
    interrupted: bool = False

    @property
    def covered(self) -> set[str]:
        return {m for _, m in self.assignments}

    def attending(self, meeting: str) -> list[str]:
        return sorted(a for a, m in self.assignments if m == meeting)


def optimum(
    workspace: Workspace,
    days: Sequence[date],
    history: Sequence[FixedAssignment],
    tiers: tuple[str, ...],
    time_limit: float,
    hint: frozenset[Pair] | None = None,
    problem: StaffingProblem | None = None,
) -> Optimum:
    """The lexicographic optimum of `tiers` for `days`, as `rota plan` would solve them
    (on `problem`, when the caller has built it already)."""
    if problem is None:
        problem = _pinned_problem(workspace, days, history)
    return _solve(problem, tiers, time_limit, hint)


def _pinned_problem(
    workspace: Workspace, days: Sequence[date], history: Sequence[FixedAssignment]
) -> StaffingProblem:
    """The staffing problem of `days`, refused (naming the rule) when its pins cannot hold."""
    problem = build_problem(workspace, days, history)
    refuse_broken_pins(workspace, problem)
    return problem


def _solve(
    problem: StaffingProblem,
    tiers: tuple[str, ...],
    time_limit: float,
    hint: frozenset[Pair] | None,
) -> Optimum:
    model = StaffingModel(problem)
    if hint:
        model.hint(hint)
    solution = model.solve(SolveParams(time_limit=time_limit, tiers=tiers))
    by_name = {t.name: t for t in solution.tiers}
    cover = by_name["coverage"]
    deep = by_name.get("depth")
    commitments = by_name.get("commitments")
    proven_before = commitments is None or commitments.optimal
    return Optimum(
        coverage=cover.value,
        coverage_proven=cover.optimal and proven_before,
        depth=deep.value if deep else None,
        depth_proven=bool(deep and deep.optimal and cover.optimal and proven_before),
        assignments=solution.assignments,
        interrupted=solution.interrupted,
    )


# --- Profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """One more person: a delegation seat (or none) and expertise, available all day."""

    delegation: str | None
    expertise: tuple[tuple[str, int], ...]

    @property
    def label(self) -> str:
        seat = self.delegation or "no delegation"
        skills = ", ".join(f"{issue} {level}" for issue, level in self.expertise) or "no expertise"
        return f"{seat}; {skills}"

    def attendee(self, attendee_id: str) -> Attendee:
        return Attendee(
            id=attendee_id,
            name=f"New person ({self.label})",
            delegation=self.delegation,
            expertise=dict(self.expertise),
        )


def parse_profile(text: str, workspace: Workspace, option: str = "--add-person") -> Profile:
    """A profile from `delegation=BRA,privacy=3,ai=2` (issues at levels 1-3; no
    `delegation=` or `delegation=none` for a person without a seat)."""
    delegation: str | None = None
    expertise: dict[str, int] = {}
    issues = workspace.conference.issue_ids()
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise UsageError(f"{option} {text!r}: say the person, e.g. delegation=BRA,privacy=3")
    seen: set[str] = set()
    for part in parts:
        key, sep, value = (s.strip() for s in part.partition("="))
        if key in seen:
            raise UsageError(f"{option} {text!r}: '{key}' is given twice")
        seen.add(key)
        if not sep or not key:
            raise UsageError(
                f"{option} {text!r}: '{part}' is not KEY=VALUE (say e.g. delegation=BRA,privacy=3)"
            )
        if key == "delegation":
            if value.lower() in ("", "none", "null"):
                delegation = None
            elif re.fullmatch(r"[A-Z]{3}", value):
                delegation = value
            else:
                raise UsageError(f"{option} {text!r}: delegation '{value}' is not a code like BRA")
        elif key in issues:
            if value not in ("1", "2", "3"):
                raise UsageError(f"{option} {text!r}: {key}={value}: a level is 1, 2 or 3")
            expertise[key] = int(value)
        else:
            known = ", ".join(sorted(issues))
            raise UsageError(
                f"{option} {text!r}: '{key}' is not an issue of the conference ({known}) "
                "nor `delegation`"
            )
    profile = Profile(delegation, tuple(sorted(expertise.items())))
    try:
        profile.attendee(RECRUIT_ID)
    except ValueError as error:  # pydantic's: a delegation that is no ISO 3166 code
        raise UsageError(f"{option} {text!r}: {_first_reason(error)}") from None
    return profile


def _first_reason(error: ValueError) -> str:
    """The reason pydantic gives for the first problem, without its URLs."""
    found = getattr(error, "errors", None)
    if callable(found):
        problems = found()
        if problems:
            where = ".".join(str(part) for part in problems[0].get("loc", ()))
            reason = str(problems[0].get("msg", "")).removeprefix("Value error, ")
            return f"{where}: {reason}" if where else reason
    return str(error).splitlines()[0]


def candidate_profiles(workspace: Workspace, level: int) -> list[Profile]:
    """Every profile `recruit` weighs: no delegation, the delegation of any attendee, or any
    state of states.yaml open to civil society; each with one issue at `level`."""
    seats: set[str] = {a.delegation for a in workspace.attendees if a.delegation}
    if workspace.coalitions is not None:
        seats |= {c for c, s in workspace.coalitions.states.items() if s.open_to_civil_society}
    delegations: list[str | None] = [None, *sorted(seats)]
    issues = sorted(workspace.conference.issue_ids())
    return [Profile(d, ((issue, level),)) for d in delegations for issue in issues]


def new_id(workspace: Workspace) -> str:
    taken = {a.id for a in workspace.attendees}
    candidate, n = RECRUIT_ID, 2
    while candidate in taken:
        candidate, n = f"{RECRUIT_ID}-{n}", n + 1
    return candidate


def with_person(workspace: Workspace, person: Attendee) -> Workspace:
    return workspace.model_copy(update={"attendees": (*workspace.attendees, person)})


def eligible_meetings(
    workspace: Workspace, days: Sequence[date], person: Attendee
) -> frozenset[str]:
    """The meetings of `days` (not cancelled) the person may enter."""
    conference = workspace.conference
    return frozenset(
        m.id
        for m in workspace.meetings_on(days)
        if m.status != "cancelled" and eligibility(person, m, conference) is None
    )


def alone_bound(problem: StaffingProblem, meetings: frozenset[str]) -> int:
    """The most one person could cover alone among `meetings` (of the problem's): the
    heaviest set of them no two of which overlap in time (weighted interval scheduling)."""
    jobs = sorted((s.end, s.start, s.weight) for m, s in problem.slots.items() if m in meetings)
    ends = [end for end, _, _ in jobs]
    best = [0] * (len(jobs) + 1)
    for i, (_, start, weight) in enumerate(jobs):
        before = bisect.bisect_right(ends, start, 0, i)
        best[i + 1] = max(best[i], best[before] + weight)
    return best[-1]


# --- Recruit ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """One profile solved: the coverage with that person, the gain, and what changes."""

    profile: Profile
    coverage: int
    gain: int
    proven: bool
    meetings: tuple[str, ...]  # covered with them, not in the best rota without them
    goes_to: tuple[str, ...]  # the meetings the new person would take
    bound: int


@dataclass
class Ranking:
    """What `recruit` found: the coverage without anyone new, the profiles solved (best
    first), and how many were weighed, solved and left out by their bound."""

    baseline: Optimum
    suggestions: list[Suggestion] = field(default_factory=list)
    candidates: int = 0
    solved: int = 0  # optima solved (profiles that open the same meetings share one)
    pruned: int = 0  # profiles left out by their bound
    partial: bool = False  # stopped by Ctrl-C before the ranking was settled

    def top(self, n: int) -> list[Suggestion]:
        return self.suggestions[:n]

    @property
    def proven(self) -> bool:
        return self.baseline.coverage_proven and all(s.proven for s in self.suggestions)


Notify = Callable[[str], None]


def recruit(
    workspace: Workspace,
    days: Sequence[date],
    history: Sequence[FixedAssignment],
    top: int,
    level: int,
    time_limit: float,
    hint: frozenset[Pair] | None = None,
    on_progress: Notify | None = None,
) -> Ranking:
    """Rank the candidate profiles by the coverage one such person adds; exact for the top
    `top` when every solve is proven (see the module's note on the bound). `time_limit`
    is per solve. Ctrl-C returns what was ranked by then, marked partial."""
    problem = _pinned_problem(workspace, days, history)
    baseline = optimum(workspace, days, history, COVERAGE_TIERS, time_limit, hint, problem)
    if baseline.interrupted:  # no ranking without the coverage to compare with
        raise KeyboardInterrupt
    ranking = Ranking(baseline)
    person_id = new_id(workspace)
    profiles = candidate_profiles(workspace, level)
    ranking.candidates = len(profiles)
    coverable = {m for _, m in problem.options}
    # For the coverage tier a person is the meetings they may enter: profiles that open
    # the same meetings have the same optimum, solved once.
    classes: dict[frozenset[str], list[Profile]] = {}
    for profile in profiles:
        opens = eligible_meetings(workspace, days, profile.attendee(person_id))
        classes.setdefault(opens, []).append(profile)
    ordered = []
    for opens, members in classes.items():
        # With them, only meetings the best rota without them leaves uncovered can add.
        uncovered = (coverable | opens) - baseline.covered
        weight = sum(problem.slots[m].weight for m in uncovered)
        bound = min(alone_bound(problem, opens), weight)
        ordered.append((bound, sorted(members, key=_profile_key), opens))
    ordered.sort(key=lambda c: (-c[0], _profile_key(c[1][0])))
    try:
        for index, (bound, members, _) in enumerate(ordered):
            found = sorted(ranking.suggestions, key=_rank)
            if len(found) >= top and bound <= found[top - 1].gain:
                ranking.pruned = sum(len(c[1]) for c in ordered[index:])
                break
            if bound <= 0:  # adds nothing, exactly: the rota without them stays best
                same = baseline.coverage_proven
                ranking.suggestions += [
                    Suggestion(p, baseline.coverage, 0, same, (), (), bound) for p in members
                ]
                continue
            grown = with_person(workspace, members[0].attendee(person_id))
            result = optimum(grown, days, history, COVERAGE_TIERS, time_limit, baseline.assignments)
            if result.interrupted:
                raise KeyboardInterrupt
            gain = result.coverage - baseline.coverage
            newly = tuple(sorted(result.covered - baseline.covered))
            takes = tuple(sorted(m for a, m in result.assignments if a == person_id))
            proven = result.coverage_proven and baseline.coverage_proven
            ranking.suggestions += [
                Suggestion(p, result.coverage, gain, proven, newly, takes, bound) for p in members
            ]
            ranking.solved += 1
            if on_progress:
                best = max(ranking.suggestions, key=lambda s: s.gain)
                on_progress(
                    f"solved {ranking.solved} of {len(ordered)} kinds of profile; best so far "
                    f"+{best.gain} ({best.profile.label}); next bound {bound}"
                )
    except KeyboardInterrupt:
        ranking.partial = True
    ranking.suggestions.sort(key=_rank)
    return ranking


def _profile_key(p: Profile) -> tuple[str, tuple[tuple[str, int], ...]]:
    return (p.delegation or "", p.expertise)


def _rank(s: Suggestion) -> tuple[int, tuple[str, tuple[tuple[str, int], ...]]]:
    return (-s.gain, _profile_key(s.profile))


# --- Critical --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """What losing one person costs: the coverage without them and the meetings that
    lose cover; `solved` is False when they covered nothing alone (no solve needed)."""

    attendee: str
    name: str
    coverage: int
    lost: int
    proven: bool
    meetings: tuple[str, ...]
    solved: bool


@dataclass
class Criticality:
    baseline: Optimum
    losses: list[Loss] = field(default_factory=list)
    partial: bool = False


def away_all_day(workspace: Workspace, attendee_id: str, days: Sequence[date]) -> Workspace:
    """The workspace with one person unavailable for the whole of `days`, as
    `rota unavailable` would mark them, and not pinned anywhere."""
    conference = workspace.conference
    period = Period.model_validate(
        {
            "start": conference.day_opens(min(days)) - timedelta(minutes=1),
            "end": conference.day_closes(max(days)) + timedelta(minutes=1),
            "reason": "away all day (what-if)",
        },
        context={"conference": conference},
    )
    people = tuple(
        a.model_copy(update={"unavailable": (*a.unavailable, period)}) if a.id == attendee_id else a
        for a in workspace.attendees
    )
    # Their pins go with them: nobody can be made to attend while away.
    meetings = tuple(
        m.model_copy(update={"pinned": tuple(p for p in m.pinned if p != attendee_id)})
        if attendee_id in m.pinned
        else m
        for m in workspace.meetings
    )
    return workspace.model_copy(update={"attendees": people, "meetings": meetings})


def critical(
    workspace: Workspace,
    days: Sequence[date],
    history: Sequence[FixedAssignment],
    time_limit: float,
    hint: frozenset[Pair] | None = None,
    on_progress: Notify | None = None,
) -> Criticality:
    """For each person, the coverage lost if they drop out (a best rota of the days
    without them, as a replan from the start of the day would find), worst first."""
    problem = _pinned_problem(workspace, days, history)
    baseline = optimum(workspace, days, history, COVERAGE_TIERS, time_limit, hint, problem)
    if baseline.interrupted:
        raise KeyboardInterrupt
    result = Criticality(baseline)
    seated: dict[str, set[str]] = {}
    for a, m in baseline.assignments:
        seated.setdefault(m, set()).add(a)
    pinned = {a for a, _ in problem.pinned}
    start = {m.id: (m.start, m.id) for m in workspace.meetings}
    people = sorted(workspace.attendees, key=lambda a: a.id)
    try:
        for n, person in enumerate(people, start=1):
            alone = [m for m, who in seated.items() if who == {person.id}]
            if not alone and person.id not in pinned:
                result.losses.append(
                    Loss(
                        person.id,
                        person.name,
                        baseline.coverage,
                        0,
                        baseline.coverage_proven,
                        (),
                        False,
                    )
                )
                continue
            hint_without = frozenset(p for p in baseline.assignments if p[0] != person.id)
            without = away_all_day(workspace, person.id, days)
            found = optimum(without, days, history, COVERAGE_TIERS, time_limit, hint_without)
            if found.interrupted:
                raise KeyboardInterrupt
            result.losses.append(
                Loss(
                    person.id,
                    person.name,
                    found.coverage,
                    baseline.coverage - found.coverage,
                    found.coverage_proven and baseline.coverage_proven,
                    tuple(sorted(baseline.covered - found.covered, key=start.__getitem__)),
                    True,
                )
            )
            if on_progress:
                worst = max(result.losses, key=lambda x: x.lost)
                on_progress(
                    f"weighed {n} of {len(people)} people; worst so far: {worst.name} "
                    f"(-{worst.lost})"
                )
    except KeyboardInterrupt:
        result.partial = True
    result.losses.sort(key=lambda x: (-x.lost, x.attendee))
    return result


# --- What if ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """The changes of one `what-if` scenario."""

    without: tuple[str, ...] = ()
    rules: Mapping[str, str] = field(default_factory=dict)
    add_people: tuple[Profile, ...] = ()
    seats: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    before: Optimum
    after: Optimum
    gained: tuple[str, ...]  # meetings covered after and not before
    lost: tuple[str, ...]  # covered before and not after
    people: Mapping[str, str]  # attendee id -> name, the new people's included


def changed_workspace(workspace: Workspace, days: Sequence[date], changes: Changes) -> Workspace:
    """The workspace with the scenario's changes; a UsageError names what is unknown."""
    ids = {a.id for a in workspace.attendees}
    for who in changes.without:
        if who not in ids:
            raise UsageError(f"--without {who}: no attendee has this id")
    changed = workspace
    for who in changes.without:
        changed = away_all_day(changed, who, days)
    if changes.rules:
        data = workspace.conference.rules.model_dump()
        for name, value in changes.rules.items():
            if name not in Rules.model_fields:
                known = ", ".join(sorted(Rules.model_fields))
                raise UsageError(f"--with-rule {name}={value}: no such rule ({known})")
            data[name] = value
        try:
            rules = Rules.model_validate(data)
        except ValueError as error:
            raise UsageError(f"--with-rule: {_first_reason(error)}") from None
        conference = changed.conference.model_copy(update={"rules": rules})
        changed = changed.model_copy(update={"conference": conference})
    meetings_by_id = {m.id: m for m in changed.meetings}
    weighed = {m.id for m in changed.meetings_on(days)}
    for meeting_id, seats in changes.seats.items():
        if meeting_id not in meetings_by_id:
            raise UsageError(f"--seats {meeting_id}={seats}: no meeting has this id")
        if meeting_id not in weighed:
            raise UsageError(
                f"--seats {meeting_id}={seats}: the meeting is not on the days weighed"
            )
        if not 1 <= seats <= 20:
            raise UsageError(f"--seats {meeting_id}={seats}: seats are 1 to 20")
    if changes.seats:
        meetings: list[Meeting] = [
            m.model_copy(update={"seats": changes.seats[m.id]}) if m.id in changes.seats else m
            for m in changed.meetings
        ]
        changed = changed.model_copy(update={"meetings": tuple(meetings)})
    for profile in changes.add_people:
        changed = with_person(changed, profile.attendee(new_id(changed)))
    return changed


def what_if(
    workspace: Workspace,
    days: Sequence[date],
    history: Sequence[FixedAssignment],
    changes: Changes,
    time_limit: float,
    hint: frozenset[Pair] | None = None,
) -> Scenario:
    """Coverage and depth, proven where they can be, before and after the changes."""
    changed = changed_workspace(workspace, days, changes)
    before = optimum(workspace, days, history, DEPTH_TIERS, time_limit, hint)
    gone = set(changes.without)
    start = frozenset(p for p in before.assignments if p[0] not in gone)
    after = optimum(changed, days, history, DEPTH_TIERS, time_limit, start)
    if before.interrupted or after.interrupted:
        raise KeyboardInterrupt
    by_start = {m.id: (m.start, m.id) for m in changed.meetings}
    return Scenario(
        before,
        after,
        tuple(sorted(after.covered - before.covered, key=by_start.__getitem__)),
        tuple(sorted(before.covered - after.covered, key=by_start.__getitem__)),
        {a.id: a.name for a in changed.attendees},
    )
