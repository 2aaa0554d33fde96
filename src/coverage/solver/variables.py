"""The decision variables of the staffing model, named after what they mean."""

from __future__ import annotations

from dataclasses import dataclass, field

from coverage.hard_rules import late_night_keys
from coverage.problem import StaffingProblem
from coverage.solver.cpsat import cp_model


@dataclass
class Variables:
    """`covers[attendee, meeting]`: the attendee sits in the meeting (one per allowed option).
    `covered[meeting]`: the meeting counts as covered (only if someone sits in it).
    `late_night[attendee, day]`: one of the attendee's meetings of that day ends past the
    late-night threshold. The objective tiers add their own helpers when they need them:
    `threads[attendee, day, issue]` (the attendee covers that issue that day),
    `peak_load` (the heaviest load of anyone) and, when replanning, `changed[attendee]`
    (the attendee's rota differs from the published one)."""

    covers: dict[tuple[str, str], cp_model.IntVar]
    covered: dict[str, cp_model.IntVar]
    late_night: dict[tuple[str, int], cp_model.IntVar]
    threads: dict[tuple[str, int, str], cp_model.IntVar] = field(default_factory=dict)
    peak_load: cp_model.IntVar | None = None
    changed: dict[str, cp_model.IntVar] = field(default_factory=dict)


def create_variables(model: cp_model.CpModel, problem: StaffingProblem) -> Variables:
    """One Boolean per allowed option, per meeting someone could cover, and per
    (attendee, day) that could become a late night."""
    covers = {key: model.new_bool_var(f"covers[{key[0]},{key[1]}]") for key in problem.options}
    coverable = sorted({meeting for _, meeting in problem.options})
    covered = {m: model.new_bool_var(f"covered[{m}]") for m in coverable}
    late_keys = late_night_keys(problem)
    late_night = {k: model.new_bool_var(f"late_night[{k[0]},{k[1]}]") for k in late_keys}
    return Variables(covers, covered, late_night)


def seated(
    covers: dict[tuple[str, str], cp_model.IntVar], solver: cp_model.CpSolver
) -> frozenset[tuple[str, str]]:
    """The (attendee, meeting) pairs the solver's last solution seats."""
    values = solver.response_proto.solution
    return frozenset(key for key, var in covers.items() if values[var.index])
