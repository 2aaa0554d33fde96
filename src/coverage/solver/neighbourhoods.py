"""Large neighbourhood search: a better rota for a step CP-SAT's own search left unproven.

One CP-SAT worker searches a large day from a single tree and, measured on the scarce days
of `benchmarks/scale.py`, stops well short of what is there to find (the 40 x 224 day:
2,172 of coverage after its 21 deterministic seconds, where HiGHS finds 2,193 in 120 s).
Here the step's model is solved again and again with most of it fixed: some people chosen
at random keep their whole choice, everyone else may only keep or drop what they already
sit in. Each such part is small enough for CP-SAT to search it through in a fraction of a
second, and a better rota it finds is kept.

Every part keeps every constraint of the step's model (the hard rules, the earlier tiers
held), so each rota found keeps them too. The people freed are drawn from a generator
seeded by the caller, and each part stops at a budget of deterministic seconds: the same
step gives the same rota every time.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from coverage.solver.cpsat import cp_model
from coverage.solver.objective import improves
from coverage.solver.variables import seated

Pair = tuple[str, str]

# The part of a step's search left to the neighbourhoods when its model is large enough
# (the rest is CP-SAT's own search, which alone can prove the step).
SHARE = 0.5
# The smallest model (eligible pairs) searched this way: below it CP-SAT's own search is
# the better use of the time (measured on 2026-12-02, coverage tier: no gain on the scarce
# days of 20 x 136, 700 pairs, where CP-SAT proves or nearly; +5 to +22 on 25 x 180 to
# 40 x 224, 1,100 to 2,200 pairs).
MIN_PAIRS = 1000
# The part of the people freed in each part (measured, 40 x 224 coverage: 15 % 2,179,
# 25 % 2,192, 30 % 2,194, 40 % 2,202, 55 % 2,195 in the same budget).
FREED = 0.3
# Deterministic seconds each part may search at most.
PART_WORK = 0.5
# Parts in a row that find nothing better before the search gives up.
STALL = 60
# The fewest parts the budget must allow for the search to be worth starting.
MIN_PARTS = 5


@dataclass(frozen=True)
class Found:
    """The best rota found, its objective in the step's terms, and the work it took."""

    chosen: frozenset[Pair]
    objective: int
    work: float
    parts: int


Solve = Callable[[cp_model.CpSolver, cp_model.CpModel], tuple[cp_model.CpSolverStatus, bool]]


def worth(pairs: int, work: float, load: float) -> bool:
    """Whether a step of `pairs` eligible pairs with `work` deterministic seconds for the
    neighbourhoods (each part costing `load` to load) should search them."""
    return pairs >= MIN_PAIRS and work >= MIN_PARTS * (PART_WORK + load)


def improve(
    model: cp_model.CpModel,
    covers: dict[Pair, cp_model.IntVar],
    start: frozenset[Pair],
    objective: int,
    maximise: bool,
    *,
    work: float,
    load: float,
    seed: int,
    hint: Callable[[cp_model.CpModel, frozenset[Pair]], None],
    solve: Solve,
    enough: Callable[[int], bool],
    wall: Callable[[], float],
) -> Found:
    """Search neighbourhoods of `start` (a rota of `model`, worth `objective`) for at most
    `work` deterministic seconds, each part charged `load` more for loading.

    `hint` writes a rota into a model's hint, `solve` runs a solver on a model (returning
    its status and whether it was interrupted), `enough` says when a value needs no more
    search (a MIP racing proved it optimal) and `wall` gives the wall seconds left."""
    people = sorted({a for a, _ in covers})
    freed = max(2, round(FREED * len(people)))
    found = Found(start, objective, 0.0, 0)
    if freed >= len(people):
        return found
    by_person: dict[str, list[tuple[Pair, int]]] = defaultdict(list)
    for key, var in covers.items():
        by_person[key[0]].append((key, var.index))
    rng = random.Random(seed)
    chosen, spent, stall, parts = start, 0.0, 0, 0
    while stall < STALL and work - spent - load >= PART_WORK / 10 and wall() > 0.05:
        free = set(rng.sample(people, freed))
        part = model.clone()
        domains = part.proto.variables
        for person, items in by_person.items():
            if person in free:
                continue
            for key, index in items:
                if key not in chosen:
                    domain = domains[index].domain
                    domain[0] = 0
                    domain[1] = 0
        hint(part, chosen)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        solver.parameters.linearization_level = 2
        solver.parameters.max_deterministic_time = min(PART_WORK, work - spent - load)
        solver.parameters.max_time_in_seconds = wall()
        solver.parameters.catch_sigint_signal = False
        status, interrupted = solve(solver, part)
        spent += solver.response_proto.deterministic_time + load
        parts += 1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = round(solver.objective_value)
            if improves(value, objective, maximise):
                chosen = seated(covers, solver)
                objective, stall = value, 0
                if enough(value) or interrupted:
                    break
                continue
        if interrupted:
            break
        stall += 1
    return Found(chosen, objective, spent, parts)
