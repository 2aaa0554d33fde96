"""The objective tiers, in lexicographic order: each is optimised with the earlier ones held
at their best values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from coverage.problem import StaffingProblem
from coverage.solver.variables import Variables

Expression = cp_model.LinearExprT


@dataclass(frozen=True)
class Tier:
    """One level of the lexicographic objective."""

    name: str
    sense: Literal["max", "min"]
    meaning: str
    expression: Callable[[StaffingProblem, Variables], Expression]


def coverage(problem: StaffingProblem, variables: Variables) -> Expression:
    """Sum of weight(m) over covered meetings."""
    meetings = list(variables.covered)
    return cp_model.LinearExpr.weighted_sum(
        [variables.covered[m] for m in meetings], [problem.slots[m].weight for m in meetings]
    )


def depth(problem: StaffingProblem, variables: Variables) -> Expression:
    """Sum of weight(m) x (attendees - 1) over covered meetings (seats cap attendees)."""
    keys = list(variables.covers)
    meetings = list(variables.covered)
    return cp_model.LinearExpr.weighted_sum(
        [variables.covers[k] for k in keys] + [variables.covered[m] for m in meetings],
        [problem.slots[k[1]].weight for k in keys] + [-problem.slots[m].weight for m in meetings],
    )


def leads(problem: StaffingProblem, variables: Variables) -> Expression:
    """Sum of weight(m) over meetings attended by a lead of one of their issues."""
    keys = [k for k in variables.covers if problem.options[k].leads]
    return cp_model.LinearExpr.weighted_sum(
        [variables.covers[k] for k in keys], [problem.slots[k[1]].weight for k in keys]
    )


def expertise(problem: StaffingProblem, variables: Variables) -> Expression:
    """Sum of weight(m) x expertise level over attendances."""
    keys = list(variables.covers)
    return cp_model.LinearExpr.weighted_sum(
        [variables.covers[k] for k in keys],
        [problem.slots[k[1]].weight * problem.options[k].level for k in keys],
    )


def continuity(problem: StaffingProblem, variables: Variables) -> Expression:
    """Number of (person, day, issue) threads: fewer means the same people follow an issue
    through the day."""
    return cp_model.LinearExpr.sum(list(variables.follows.values()))


def fairness(problem: StaffingProblem, variables: Variables) -> Expression:
    """The heaviest load of anyone: minutes in meetings, night minutes counted twice."""
    return variables.peak_load


TIERS: tuple[Tier, ...] = (
    Tier("coverage", "max", "sum of weight over covered meetings", coverage),
    Tier("depth", "max", "sum of weight x (attendees - 1) over covered meetings", depth),
    Tier("leads", "max", "sum of weight over meetings attended by a lead of their issue", leads),
    Tier("expertise", "max", "sum of weight x expertise level over attendances", expertise),
    Tier("continuity", "min", "number of (person, day, issue) threads", continuity),
    Tier("fairness", "min", "heaviest load in minutes, night minutes counted twice", fairness),
)
