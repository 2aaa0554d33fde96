"""The hard rules as CP-SAT constraints: one method per rule, one line saying the rule."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from coverage.problem import StaffingProblem
from coverage.solver.variables import Variables


class Constraints:
    """Adds every hard rule of the staffing problem to a model."""

    def __init__(self, model: cp_model.CpModel, problem: StaffingProblem, variables: Variables):
        self._model = model
        self._problem = problem
        self._vars = variables
        self._by_meeting: dict[str, list[cp_model.IntVar]] = defaultdict(list)
        self._by_attendee: dict[str, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        for (attendee, meeting), var in variables.covers.items():
            self._by_meeting[meeting].append(var)
            self._by_attendee[attendee].append((meeting, var))

    def add_all(self) -> None:
        """Every hard rule, and what `covered` means."""
        self._seats()
        self._no_overlap()
        self._rest_between_days()
        self._daily_duty()
        self._late_nights_in_a_row()
        self._covered_means_someone_attends()

    def _seats(self) -> None:
        """At most `seats` attendees per meeting."""
        for meeting, attending in self._by_meeting.items():
            seats = self._problem.slots[meeting].seats
            if len(attending) > seats:
                self._model.add(sum(attending) <= seats)

    def _no_overlap(self) -> None:
        """A person's meetings are at least `changeover_minutes` apart: at most one per group
        of meetings that pairwise break that."""
        covers = self._vars.covers
        for attendee, groups in self._problem.overlap_groups.items():
            for group in groups:
                self._model.add_at_most_one(covers[attendee, m] for m in group)

    def _rest_between_days(self) -> None:
        """A meeting on a later conference day starts `min_rest_hours` after the person's
        meetings of earlier days end."""
        covers = self._vars.covers
        for attendee, pairs in self._problem.rest_pairs.items():
            for first, second in pairs:
                self._model.add_bool_or(
                    [covers[attendee, first].Not(), covers[attendee, second].Not()]
                )

    def _daily_duty(self) -> None:
        """A person sits in at most `max_duty_hours` of meetings per conference day."""
        for attendee, taken in self._by_attendee.items():
            per_day: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
            for meeting, var in taken:
                slot = self._problem.slots[meeting]
                per_day[slot.day].append((slot.minutes, var))
            for day, terms in per_day.items():
                cap = self._problem.duty_left(attendee, day)
                if sum(minutes for minutes, _ in terms) > cap:
                    self._model.add(sum(minutes * var for minutes, var in terms) <= cap)

    def _late_nights_in_a_row(self) -> None:
        """At most `max_late_nights_in_a_row` late nights on consecutive days, counting the
        published history."""
        late_night = self._vars.late_night
        for (attendee, day), late in late_night.items():
            for meeting, var in self._by_attendee[attendee]:
                slot = self._problem.slots[meeting]
                if slot.day == day and slot.late:
                    self._model.add_implication(var, late)
        limit = self._problem.max_late
        for attendee, windows in self._problem.late_windows.items():
            for days, already in windows:
                nights = [late_night[attendee, d] for d in days if (attendee, d) in late_night]
                if nights and len(nights) + already > limit:
                    self._model.add(sum(nights) <= max(0, limit - already))

    def _covered_means_someone_attends(self) -> None:
        """A meeting counts as covered only when at least one attendee sits in it."""
        # Only this direction: every tier pushes `covered` up or holds its weighted sum, and
        # scores are computed from the assignments, not from `covered`.
        for meeting, covered in self._vars.covered.items():
            self._model.add(covered <= sum(self._by_meeting[meeting]))
