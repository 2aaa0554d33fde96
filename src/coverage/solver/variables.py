"""The decision variables of the staffing model, named after what they mean."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from coverage.problem import StaffingProblem


@dataclass
class Variables:
    """`covers[attendee, meeting]`: the attendee sits in the meeting (one per allowed option).
    `covered[meeting]`: at least one attendee does. `late_night[attendee, day]`: one of the
    attendee's meetings of that day ends past the late-night threshold.
    `follows[attendee, day, issue]`: the attendee covers a meeting on that issue that day."""

    covers: dict[tuple[str, str], cp_model.IntVar]
    covered: dict[str, cp_model.IntVar]
    late_night: dict[tuple[str, int], cp_model.IntVar]
    follows: dict[tuple[str, int, str], cp_model.IntVar]
    peak_load: cp_model.IntVar

    def all(self) -> list[cp_model.IntVar]:
        """Every variable, in a fixed order (for hints)."""
        return [
            *self.covers.values(),
            *self.covered.values(),
            *self.late_night.values(),
            *self.follows.values(),
            self.peak_load,
        ]


def create_variables(model: cp_model.CpModel, problem: StaffingProblem) -> Variables:
    """One Boolean per allowed option and per meeting that someone could cover; the rest
    only where they can become true."""
    covers = {key: model.new_bool_var(f"covers[{key[0]},{key[1]}]") for key in problem.options}
    coverable = sorted({meeting for _, meeting in problem.options})
    covered = {m: model.new_bool_var(f"covered[{m}]") for m in coverable}

    late_keys: set[tuple[str, int]] = set()
    follow_keys: set[tuple[str, int, str]] = set()
    for attendee, meeting in problem.options:
        slot = problem.slots[meeting]
        if slot.late:
            late_keys.add((attendee, slot.day))
        for issue in slot.issues:
            follow_keys.add((attendee, slot.day, issue))
    late_night = {k: model.new_bool_var(f"late_night[{k[0]},{k[1]}]") for k in sorted(late_keys)}
    follows = {k: model.new_bool_var(f"follows[{k[0]},{k[1]},{k[2]}]") for k in sorted(follow_keys)}

    load_bound: dict[str, int] = defaultdict(int)
    for attendee, meeting in problem.options:
        slot = problem.slots[meeting]
        load_bound[attendee] += slot.minutes + slot.night_minutes
    peak_load = model.new_int_var(0, max(load_bound.values(), default=0), "peak_load")
    return Variables(covers, covered, late_night, follows, peak_load)
