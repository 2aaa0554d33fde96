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
    return sum(problem.slots[m].weight * var for m, var in variables.covered.items())


def depth(problem: StaffingProblem, variables: Variables) -> Expression:
    """Sum of weight(m) x (attendees - 1) over covered meetings (seats cap attendees)."""
    extra = [problem.slots[m].weight * var for (_, m), var in variables.covers.items()]
    return sum(extra) - coverage(problem, variables)


def leads(problem: StaffingProblem, variables: Variables) -> Expression:
    """Sum of weight(m) over meetings attended by a lead of one of their issues."""
    return sum(
        problem.slots[m].weight * var
        for key, var in variables.covers.items()
        if problem.options[key].leads
        for m in (key[1],)
    )


def expertise(problem: StaffingProblem, variables: Variables) -> Expression:
    """Sum of weight(m) x expertise level over attendances."""
    return sum(
        problem.slots[key[1]].weight * problem.options[key].level * var
        for key, var in variables.covers.items()
    )


def continuity(problem: StaffingProblem, variables: Variables) -> Expression:
    """Number of (person, day, issue) threads: fewer means the same people follow an issue
    through the day."""
    return sum(variables.follows.values())


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
