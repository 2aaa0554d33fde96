"""The staffing model and its lexicographic solve."""

from __future__ import annotations

import dataclasses
import math
import signal
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from coverage.problem import StaffingProblem
from coverage.solver import by_day, neighbourhoods
from coverage.solver.constraints import Constraints
from coverage.solver.cpsat import cp_model
from coverage.solver.objective import (
    TIERS,
    Expression,
    Tier,
    coverage_limit,
    fairness_score,
    improves,
    threads_of,
)
from coverage.solver.race import MipRace
from coverage.solver.variables import Variables, create_variables, seated
from coverage.solver.warm import warm_start


@dataclass(frozen=True)
class Progress:
    """A moment of a solve, for a progress display: the step being solved (its first tier),
    the best value found so far in it and the solver's bound (None before the first)."""

    tier: str
    step: int  # from 1
    steps: int
    sense: str
    value: int | None
    bound: int | None
    seconds: float  # since the solve began


@dataclass(frozen=True)
class SolveParams:
    """How hard and how to search.

    `time_limit` is the budget in seconds for all tiers together, turned into a budget of
    the solver's deterministic seconds that decides where each search stops (the wall clock
    a safety net, see WORK_PER_SECOND). One worker with a fixed seed is deterministic; with
    more workers the search is interleaved deterministically (see README, "Same input, same
    rota"). `on_progress`, when given, is called (from the solver's thread) at the start of
    each step and whenever a better rota or bound is found; it does not change the search."""

    time_limit: float = 60.0
    workers: int = 1
    seed: int = 0
    tiers: tuple[str, ...] = tuple(t.name for t in TIERS)
    on_progress: Callable[[Progress], None] | None = field(default=None, compare=False)
    # Whether the coverage tier races a MIP on the other core (not for the days of a plan
    # solved one by one: each is over before the MIP would have started).
    race: bool = True
    # Whether a plan of several days is solved day by day first (not for its parts).
    by_day: bool = True
    # Bounds known for tiers (upper bounds; from the days of a plan solved alone).
    bounds: Mapping[str, int] = field(default_factory=dict)
    # Whether `time_limit` is in the solver's deterministic seconds alone (the wall clock
    # a distant safety net): the parts of a plan solved day by day, so that they are
    # solved the same way each time.
    deterministic: bool = False
    # Whether each search presolves in one pass and starts searching at once, without
    # CP-SAT's first phase spent completing the hint: for the parts of a plan solved day
    # by day, small models searched many times (see PART_PRESOLVE_ITERATIONS).
    light: bool = False
    # Asked while solving: once it says so, the search stops as on Ctrl-C (the days of a
    # plan solved alone, in threads where no Ctrl-C reaches them).
    stop: Callable[[], bool] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TierResult:
    """What one tier achieved: its value, the solver's bound on it, and whether the value is
    proven optimal (given the tiers before it). A tier not solved (Ctrl-C, or no time left)
    has its value on the final rota, no bound and the status NOT_SOLVED."""

    name: str
    sense: str
    meaning: str
    value: int
    bound: int | None
    optimal: bool
    status: str
    seconds: float


@dataclass
class Solution:
    """The assignments chosen and each tier's result."""

    assignments: frozenset[tuple[str, str]]  # (attendee, meeting)
    tiers: list[TierResult] = field(default_factory=list)
    interrupted: bool = False  # stopped by Ctrl-C: the best rota found until then
    unsolved: tuple[str, ...] = ()  # tiers not solved (interrupted, or out of time)
    work: float = 0.0  # the solver's deterministic seconds, over every step

    @property
    def optimal(self) -> bool:
        """Whether every tier is solved and proven optimal."""
        return not self.unsolved and all(t.optimal for t in self.tiers)


class StaffingModel:
    """The CP-SAT model of one staffing problem: variables, constraints, objective tiers.

    The model is built when a search first needs it: a plan whose tiers are all proven
    from their limits, or solved day by day, never builds it (on the 200-person whole
    conference, 142k pairs, building it and its tiers' expressions took 4.5-5.4 s,
    measured 2026-12-04). The tiers held before then are added to it as it is built, in
    their order, so that it is the same model as one built at once."""

    def __init__(self, problem: StaffingProblem) -> None:
        self.problem = problem
        self._model: cp_model.CpModel | None = None
        self._variables: Variables | None = None
        # Steps held before the model was built: (step, objective held, scale).
        self._pending: list[tuple[list[Tier], int, int]] = []
        self._hinted: frozenset[tuple[str, str]] = frozenset()
        self._held: dict[str, int] = {}  # tier -> the value later steps hold it at
        # A plan of several days, its tiers summed over days solved day by day first: each
        # day's proven optimum of those tiers so far, and a tier's bound on each day.
        self._day_optima: dict[int, dict[str, int]] | None = None
        self._day_bounds: dict[str, dict[int, int]] = {}
        self._days_alone: dict[int, StaffingProblem] = {}  # each day, links relaxed
        self._index: by_day.DayIndex | None = None
        self._known: dict[str, int] = {}  # bounds given by the caller (SolveParams.bounds)

    @property
    def model(self) -> cp_model.CpModel:
        """The CP-SAT model, built on first use."""
        if self._model is None:
            self._build()
        assert self._model is not None
        return self._model

    @property
    def variables(self) -> Variables:
        """The model's variables, built on first use."""
        if self._variables is None:
            self._build()
        assert self._variables is not None
        return self._variables

    def _build(self) -> None:
        """Variables and hard rules, then the steps held so far, then the hint."""
        self._model = cp_model.CpModel()
        self._variables = create_variables(self._model, self.problem)
        Constraints(self._model, self.problem, self._variables).add_all()
        pending, self._pending = self._pending, []
        for step, objective, scale in pending:
            self._add_hold(step, self._expression(step, scale), objective)
        self._hint_into(self._model, self._hinted)

    def hint(self, assignments: Iterable[tuple[str, str]]) -> None:
        """Suggest a rota (attendee, meeting pairs) as the starting point, replacing any
        earlier hint; the derived variables are hinted at the values that rota gives them."""
        chosen = frozenset(assignments) & self.problem.options.keys()
        self._hinted = chosen
        if self._model is not None:
            self._hint_into(self._model, chosen)

    def _hint_into(self, model: cp_model.CpModel, chosen: frozenset[tuple[str, str]]) -> None:
        """Write a rota into the hint of `model` (this model or a copy of it)."""
        problem, variables = self.problem, self.variables
        covered = {m for _, m in chosen}
        late = {(a, problem.slots[m].day) for a, m in chosen if problem.slots[m].late}
        threads = threads_of(problem, chosen)
        changed = {a for a, _ in chosen ^ (problem.previous or frozenset())}
        indices: list[int] = []
        values: list[int] = []

        def add(items: Iterable[tuple[Any, cp_model.IntVar]], on: Collection[Any]) -> None:
            for key, var in items:
                indices.append(var.index)
                values.append(1 if key in on else 0)

        add(variables.covers.items(), chosen)
        add(variables.covered.items(), covered)
        add(variables.late_night.items(), late)
        add(variables.threads.items(), threads)
        add(variables.changed.items(), changed)
        if variables.peak_load is not None:
            indices.append(variables.peak_load.index)
            values.append(fairness_score(problem, chosen))
        # Through the model's proto: one call instead of one per variable (a million of
        # them on a whole conference of a large group).
        model.clear_hints()  # type: ignore[no-untyped-call]
        hint = model.proto.solution_hint
        hint.vars.extend(indices)
        hint.values.extend(values)

    def solve(self, params: SolveParams) -> Solution:
        """Optimise the tiers in order; each later tier holds the earlier ones at the value
        found (the proven optimum when the solver proved it). Values are scored on the final
        rota; bounds are the solver's, or the tier's own limit.

        The search starts from a warm start that keeps every rule (see `warm_start`): no
        tier ever ends worse than it, whatever stops the search. A tier whose warm value
        already reaches its limit is proven without a search.

        Ctrl-C (SIGINT, when solving in the main thread) stops the search instead of raising
        KeyboardInterrupt: the best rota found so far is kept, its step is reported as
        interrupted and the later tiers are not solved."""
        started = time.monotonic()
        self._known = dict(params.bounds)
        day_by_day = params.by_day and by_day.applies(self.problem)
        if day_by_day:
            self._day_optima = {day: {} for day in self.problem.days}
        tiers = [t for t in TIERS if t.name in params.tiers and t.applies(self.problem)]
        steps: list[list[Tier]] = []
        for tier in tiers:
            if steps and steps[-1][-1].solve_with_next and len(steps[-1]) == 1:
                steps[-1].append(tier)
            else:
                steps.append([tier])
        results: list[TierResult] = []
        runs: list[tuple[list[Tier], _Run]] = []
        interrupted = False
        # The time limit in the solver's deterministic seconds (see WORK_PER_SECOND).
        several = day_by_day and not params.deterministic
        if params.deterministic:
            budget = params.time_limit
        elif several:
            budget = params.time_limit * PLAN_WORK_PER_SECOND
        else:
            budget = params.time_limit * WORK_PER_SECOND
        load = _load_per_pair(params) * len(self.problem.options)
        with _CtrlC(params.stop) as ctrl_c:
            # The first search starts where the caller said (a published rota in a replan,
            # nothing in a plan): measured, hinting the warm start there makes the search
            # no better and can lead the later tiers down slower paths. The warm start is
            # the floor all the same, and each later search starts from the best so far.
            start_from: frozenset[tuple[str, str]] | None = self._hinted
            chosen = warm_start(self.problem, self._hinted)
            for index, step in enumerate(steps):
                if ctrl_c.asked():
                    interrupted = True
                    break
                # What is left: of the solver's deterministic seconds (which decide
                # where each search stops, so the same problem is solved the same way
                # each time), and of the wall clock (a safety net: the time limit holds
                # on a slower machine too).
                last = index == len(steps) - 1
                work_left = max(0.05, budget - math.fsum(r.work for _, r in runs))
                if last and several:
                    work_left = max(0.05, work_left - budget * PLAN_RESERVE)
                elif last and not params.deterministic:
                    work_left *= 1 - LAST_MARGIN
                # Commitments, coverage and depth may each take half of what is left; the
                # other tiers share the rest evenly.
                share = 0.5 if step[0].thorough and not last else 1 / (len(steps) - index)
                where = (index, len(steps), started)
                if params.deterministic:
                    wall = 3 * work_left * share + 1
                    limit = _Limit(work_left * share, wall, wall, 0.0)
                else:
                    wall = max(0.05, params.time_limit - (time.monotonic() - started))
                    limit = _Limit(work_left * share, wall, wall * share, load)
                if self._by_day_applies(step, params, chosen):
                    run = None
                    tick = time.monotonic()
                    days_work = 0.0
                    if (
                        self._day_optima
                        and any(self._day_optima.values())
                        and limit.part(JOINT_FIRST).search >= MIN_SEARCH
                    ):
                        # After the first tier summed over days: the whole plan first, for
                        # a short while (measured: the days add nothing where it proves
                        # the tier at once, and their bound may not be tight).
                        run = self._solve_step(
                            step, params, limit.part(JOINT_FIRST), where, ctrl_c, chosen
                        )
                        chosen = run.chosen
                    if run is None or not (run.status == "OPTIMAL" or run.interrupted):
                        joint_work = 0.0 if run is None else run.work
                        # The days may take it all when no search of the whole plan could
                        # follow them (its model costs more to load than it would search).
                        after = limit.part(1 - BY_DAY_SHARE).search >= MIN_SEARCH
                        days_share = BY_DAY_SHARE if run is not None or after else 1.0
                        chosen, days_work = self._solve_by_day(
                            step[0], params, limit.part(days_share), where, chosen, ctrl_c
                        )
                        if ctrl_c.pressed:
                            interrupted = True
                            break
                        days_work += joint_work
                        limit = limit.less(days_work, time.monotonic() - tick)
                        start_from = None  # the days' rota: far better than a greedy one
                        run = None
                    if run is None:
                        run = self._solve_step(
                            step,
                            params,
                            limit,
                            where,
                            ctrl_c,
                            chosen,
                            search=limit.search >= MIN_SEARCH,
                        )
                    # The tier's time and work include its days'.
                    run = dataclasses.replace(
                        run, seconds=time.monotonic() - tick, work=run.work + days_work
                    )
                else:
                    # A large plan: no search that would cost more to load than it searches.
                    search = not several or limit.search >= max(MIN_SEARCH, limit.load)
                    if not search and step[0].unsearched is not None:
                        chosen = step[0].unsearched(self.problem, chosen)
                    run = self._solve_step(
                        step, params, limit, where, ctrl_c, chosen, start_from, search
                    )
                if run.searched:
                    start_from = None
                runs.append((step, run))
                interrupted = run.interrupted
                chosen = run.chosen
                if interrupted:
                    break
                self._hold(step, run)
                self._held[step[0].name] = run.objective // run.scale
                self._note_day_optima(step)
        for step, run in runs:
            results += self._results(step, run, chosen)
        solved = {tier.name for step, _ in runs for tier in step}
        unsolved = tuple(tier.name for tier in tiers if tier.name not in solved)
        results += [
            TierResult(
                name=tier.name,
                sense=tier.sense,
                meaning=tier.meaning,
                value=tier.score(self.problem, chosen),
                bound=None,
                optimal=False,
                status="NOT_SOLVED",
                seconds=0.0,
            )
            for tier in tiers
            if tier.name in unsolved
        ]
        work = math.fsum(run.work for _, run in runs)
        return Solution(frozenset(chosen), results, interrupted, unsolved, work)

    def _results(
        self, step: list[Tier], run: _Run, chosen: frozenset[tuple[str, str]]
    ) -> list[TierResult]:
        """Each tier of a step with its value on the final rota and its bound. For two tiers
        solved together as `first x scale + second`, the first tier's bound is the step's
        bound divided by the scale; once the first tier is proven at its value `v`, the
        second's bound is the step's bound less `v x scale` (every rota keeping the first
        at `v` is worth at least, or at most, that in the second), else it has none beyond
        its own range.

        A later step holds this step's expression, not each tier's value on the rota:
        depth's, with a meeting attended but not counted as covered, lets a rota with more
        coverage than a search cut short found pass its weight off as depth. When a later
        step changed the step's values, its proof is of other values: a tier is then
        proven only where its value reaches its bound (which still holds)."""
        values = [tier.score(self.problem, chosen) for tier in step]
        moved = chosen != run.chosen and values != [t.score(self.problem, run.chosen) for t in step]
        optimal = run.status == "OPTIMAL" and not moved
        bounds: list[int | None]
        first_proven = optimal
        if len(step) == 1:
            bounds = [run.bound]
        elif run.bound is None:
            bounds = [None, None]
        else:
            first, second = step
            if first.sense == "min":
                first_bound = -((-(run.bound - run.scale + 1)) // run.scale)
            else:
                first_bound = run.bound // run.scale
            first_proven = optimal or first_bound == values[0]
            low, high = 0, run.scale - 1  # the second tier's range in the joint objective
            if first_proven:
                rest = run.bound - values[0] * run.scale
                second_bound = max(low, rest) if second.sense == "min" else min(high, rest)
            else:
                second_bound = low if second.sense == "min" else high
            limit = self._limit(second)  # (alone, or given the tiers held before the step)
            if limit is not None:
                second_bound = (
                    max(second_bound, limit) if second.sense == "min" else min(second_bound, limit)
                )
            bounds = [first_bound, second_bound]
        return [
            TierResult(
                name=tier.name,
                sense=tier.sense,
                meaning=tier.meaning,
                value=value,
                bound=bound,
                # A value that reaches its bound is proven, whatever stopped the search
                # (the second tier's bound holds only with the first at its value).
                optimal=optimal or bound == value,
                status="OPTIMAL" if optimal or bound == value else run.status,
                seconds=round(run.seconds, 3),
            )
            for tier, value, bound in zip(step, values, bounds, strict=True)
        ]

    def _solve_step(
        self,
        step: list[Tier],
        params: SolveParams,
        limit: _Limit,
        where: tuple[int, int, float],
        ctrl_c: _CtrlC,
        incumbent: frozenset[tuple[str, str]],
        start_from: frozenset[tuple[str, str]] | None = None,
        search: bool = True,
    ) -> _Run:
        """Solve one step, no worse than `incumbent` (which keeps the earlier steps'
        values): the rota found, or the incumbent when the search found nothing better.
        The search is hinted with `start_from` when given, else with the incumbent. Without
        `search`, the incumbent with the step's limit as its bound."""
        scale = 1
        if len(step) == 2:
            # Lexicographic in one solve: the second tier ranges over [0, ceiling].
            ceiling = step[1].ceiling
            assert ceiling is not None, f"tier {step[1].name} cannot be solved jointly"
            scale = ceiling(self.problem) + 1
        tier = step[0]
        maximise = tier.sense == "max"
        scores = [t.score(self.problem, incumbent) for t in step]
        start_value = scores[0] * scale + (scores[1] if len(step) == 2 else 0)
        limits = [self._limit(t) for t in step]
        best = None  # the best the step could be
        if all(x is not None for x in limits):
            best = int(limits[0]) * scale + (int(limits[1]) if len(step) == 2 else 0)  # type: ignore[arg-type]
        reporter = None
        if params.on_progress is not None:
            reporter = _Reporter(params.on_progress, tier, scale, where)
            reporter.start(start_value, best)
        if best is not None and start_value == best:
            # The warm start is as good as this step can be: proven without a search.
            return _Run(None, "OPTIMAL", start_value, best, 0.0, incumbent, scale)
        if not search:
            return _Run(None, "FEASIBLE", start_value, best, 0.0, incumbent, scale)
        expression = self._expression(step, scale)
        # (Hinted again each step: the tiers may have added helpers to hint.)
        self.hint(incumbent if start_from is None else start_from)
        if maximise:
            self.model.maximize(expression)
        else:
            self.model.minimize(expression)
        model = self.model
        if tier.narrow is not None:
            # Constraints that keep this tier's optimum but not later tiers': on a copy.
            model = self.model.clone()
            tier.narrow(model, self.problem, self.variables)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = max(1, params.workers)
        solver.parameters.random_seed = params.seed
        solver.parameters.linearization_level = 2
        if not tier.thorough:
            solver.parameters.cp_model_probing_level = 0
        if params.light:
            solver.parameters.max_presolve_iterations = PART_PRESOLVE_ITERATIONS
            solver.parameters.hint_conflict_limit = 0
        # The deterministic time decides where the search stops; the wall clock is a safety
        # net (see WORK_PER_SECOND).
        solver.parameters.max_time_in_seconds = limit.wall
        # A large model leaves part of its search to neighbourhoods of the rota found
        # (coverage.solver.neighbourhoods), when CP-SAT's own search has not proven it.
        pairs = len(self.problem.options)
        # Each part loads its model again: charged even in a deterministic solve, where it
        # decides how many parts the budget allows.
        part_load = LOAD_WORK_PER_PAIR * pairs
        later = limit.search * neighbourhoods.SHARE
        if not (tier.neighbourhoods and neighbourhoods.worth(pairs, later, part_load)):
            later = 0.0
        solver.parameters.max_deterministic_time = max(0.05, limit.search - later)
        if params.workers > 1:
            solver.parameters.interleave_search = True
        # Ctrl-C is ours (see _CtrlC), not CP-SAT's own handler.
        solver.parameters.catch_sigint_signal = False
        if reporter is not None:
            solver.best_bound_callback = reporter.on_bound
        tick = time.monotonic()
        race = None
        if (
            tier.mip
            and params.race
            and len(step) == 1
            and set(self._held) <= {"commitments"}
            and MipRace.available()
        ):
            # HiGHS races on the other core (see coverage.solver.race for the rule that
            # keeps the result the same whichever finishes first).
            race = MipRace(self.problem, self._held.get("commitments"), incumbent, limit.share)
            if reporter is None:
                reporter = _Reporter(None, tier, scale, where)
        status, interrupted = ctrl_c.solve(solver, model, reporter, race)
        found = None  # a better rota the neighbourhoods found
        searched_on = later and status == cp_model.FEASIBLE and not interrupted
        if searched_on and (reporter is None or not reporter.reached_target):
            found = self._neighbourhoods(
                model, solver, maximise, limit, part_load, params.seed, ctrl_c, race, tick
            )
            if found is not None and not improves(found.objective, start_value, maximise):
                found = None  # never below the rota the step started from
            if found is not None and reporter is not None:
                reporter.found(found.objective)
            interrupted = ctrl_c.pressed
        if race is not None and status != cp_model.OPTIMAL:
            assert reporter is not None
            if not reporter.reached_target:
                proven = ctrl_c.wait(race)
                if proven is not None:
                    # Did CP-SAT reach the proven optimum in its own time? Then its rota
                    # (its last, its first of that value) is the one, as when the MIP's
                    # proof had come while it searched.
                    reporter.target = race.optimum
                    value = tier.score(self.problem, proven)
                    if not reporter.reached_target and value >= start_value:
                        # CP-SAT's time ran out short of it: the MIP's proven rota.
                        elapsed = time.monotonic() - tick
                        if params.on_progress is not None:
                            reporter.start(value, value)
                        return _Run(
                            expression,
                            "OPTIMAL",
                            value,
                            value,
                            elapsed,
                            proven,
                            scale,
                            False,
                            True,
                            limit.work,
                        )
            if reporter.reached_target:
                # CP-SAT's first rota of the optimum the MIP proved: the rota it would have
                # ended with had it proven the optimum itself.
                status = cp_model.OPTIMAL
                best = reporter.target
        work = solver.response_proto.deterministic_time + limit.load
        if found is not None:
            work += found.work
        if race is not None:
            if status == cp_model.OPTIMAL and reporter is not None and reporter.target is not None:
                # Decided by the race: where CP-SAT stopped depends on when the MIP's proof
                # came, so the step counts as having taken its whole time.
                work = limit.work
            race.stop()
            race.result()
        elapsed = time.monotonic() - tick
        name = solver.status_name(status)
        if interrupted and status != cp_model.OPTIMAL:
            name = "INTERRUPTED"
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"internal error: invalid model ({self.model.validate()})")
        bound = _bound(solver, status, maximise, best)
        if found is not None:
            closed = status == cp_model.OPTIMAL or found.objective == bound
            name = "OPTIMAL" if closed else ("INTERRUPTED" if interrupted else "FEASIBLE")
            return _Run(
                expression,
                name,
                found.objective,
                found.objective if closed else bound,
                elapsed,
                found.chosen,
                scale,
                interrupted,
                True,
                work,
            )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = round(solver.objective_value)
            if improves(value, start_value, maximise) or status == cp_model.OPTIMAL:
                chosen = seated(self.variables.covers, solver)
                return _Run(
                    expression, name, value, bound, elapsed, chosen, scale, interrupted, True, work
                )
        if name in ("UNKNOWN", "OPTIMAL"):
            name = "FEASIBLE"
        return _Run(
            expression, name, start_value, bound, elapsed, incumbent, scale, interrupted, True, work
        )

    def _neighbourhoods(
        self,
        model: cp_model.CpModel,
        solver: cp_model.CpSolver,
        maximise: bool,
        limit: _Limit,
        part_load: float,
        seed: int,
        ctrl_c: _CtrlC,
        race: MipRace | None,
        tick: float,
    ) -> neighbourhoods.Found | None:
        """A better rota than the one `solver` found on `model`, searched in its
        neighbourhoods with what is left of the step's work; None when none is found."""
        start = seated(self.variables.covers, solver)
        objective = round(solver.objective_value)

        def enough(value: int) -> bool:
            # A MIP racing proved this value optimal: no need to look further.
            optimum = None if race is None else race.optimum
            return optimum is not None and value >= optimum

        found = neighbourhoods.improve(
            model,
            self.variables.covers,
            start,
            objective,
            maximise,
            work=limit.search - solver.response_proto.deterministic_time,
            load=part_load,
            seed=seed,
            hint=self._hint_into,
            solve=lambda part_solver, part: ctrl_c.solve(part_solver, part, None),
            enough=enough,
            wall=lambda: limit.wall - (time.monotonic() - tick),
        )
        return found if found.objective != objective else None

    def _limit(self, tier: Tier) -> int | None:
        """The best value `tier` could take: its own limit (alone, or with the earlier
        tiers held where they are), a bound the caller gave, or what the days of the plan
        solved alone allow with the earlier tiers held where they are, whichever is
        tightest (a tier with a bound of the last two kinds is maximised)."""
        limits = [tier.limit(self.problem)] if tier.limit is not None else []
        if tier.given is not None:
            limits.append(tier.given(self.problem, self._held))
        if tier.name in self._known:
            limits.append(self._known[tier.name])
        if tier.name in self._day_bounds:
            limits.append(sum(self._day_bounds[tier.name].values()))
        if not limits:
            return None
        return min(limits) if tier.sense == "max" else max(limits)

    def _by_day_applies(
        self, step: list[Tier], params: SolveParams, chosen: frozenset[tuple[str, str]]
    ) -> bool:
        """Whether this step is solved day by day first: a tier summed over days, in a plan
        of several, every earlier tier at exactly its days' optima, and the rota so far
        short of the tier's limit."""
        (tier, *rest) = step
        if rest or not tier.by_day or self._day_optima is None:
            return False
        if any(len(optima) != len(self._held) for optima in self._day_optima.values()):
            return False  # an earlier tier is not known day by day
        limit = self._limit(tier)
        return limit is None or tier.score(self.problem, chosen) < limit

    def _note_day_optima(self, step: list[Tier]) -> None:
        """After a step: each day's optimum of its tier, when the whole plan's value shows
        it (the days' bounds, or the tier's own limit day by day, add up to the value held:
        every day is then at its bound). Without them no later tier is solved day by day."""
        optima = self._day_optima
        if optima is None:
            return
        (tier, *rest) = step
        held = self._held.get(tier.name)
        at_bound = None
        if not rest and tier.by_day:
            at_bound = self._day_bounds.get(tier.name)
            if at_bound is None and tier.limit is not None:
                alone = self._alone()
                at_bound = {d: tier.limit(alone[d]) for d in optima}
        if at_bound is None or sum(at_bound.values()) != held:
            self._day_optima = None
            return
        for day, value in at_bound.items():
            optima[day][tier.name] = value

    def _alone(self) -> dict[int, StaffingProblem]:
        """Each day of the plan alone, its links to the others relaxed (built once:
        measured, 0.2 s a day on the 200-person whole conference)."""
        if not self._days_alone:
            self._days_alone = by_day.days_alone(self.problem, self._day_index())
        return self._days_alone

    def _day_index(self) -> by_day.DayIndex:
        """The plan's options, clash groups and rest pairs by day (built once)."""
        if self._index is None:
            self._index = by_day.DayIndex.of(self.problem)
        return self._index

    def _solve_by_day(
        self,
        tier: Tier,
        params: SolveParams,
        limit: _Limit,
        where: tuple[int, int, float],
        chosen: frozenset[tuple[str, str]],
        ctrl_c: _CtrlC,
    ) -> tuple[frozenset[tuple[str, str]], float]:
        """Solve `tier` day by day (`coverage.solver.by_day`), the earlier tiers held at
        each day's optimum, within `limit`: the bound the days give the tier, and their
        rota when better than `chosen` (which keeps the earlier tiers' values), with the
        work the days took."""
        assert self._day_optima is not None
        names = (*(self._day_optima[self.problem.days[0]]), tier.name)
        scores = {t.name: t for t in TIERS}
        index, steps, started = where
        load = _load_per_pair(params)

        def solve_part(
            part: StaffingProblem,
            tiers: tuple[str, ...],
            seconds: float,
            hint: frozenset[tuple[str, str]],
            bounds: Mapping[str, int],
        ) -> by_day.PartSolved | None:
            model = StaffingModel(part)
            # Measured: a day solved alone is proven sooner from its greedy rota.
            model.hint(hint or warm_start(part))
            part_params = SolveParams(
                time_limit=seconds,
                workers=params.workers,
                seed=params.seed,
                tiers=tiers,
                race=False,
                by_day=False,
                bounds=bounds,
                deterministic=True,
                light=True,
                stop=lambda: ctrl_c.pressed,
            )
            solution = model.solve(part_params)
            if solution.interrupted:
                return None
            results = {r.name: (r.bound, r.optimal) for r in solution.tiers}
            for name in tiers:
                # A tier that means nothing on this day (no commitments, no preferences
                # there) scores the same on every rota of it.
                score = scores[name].score(part, solution.assignments)
                results.setdefault(name, (score, True))
            # A part's work includes loading its model, as a search of the whole plan's does.
            return by_day.PartSolved(
                solution.assignments, results, solution.work + load * len(part.options)
            )

        def rank(part: StaffingProblem, rota: frozenset[tuple[str, str]]) -> list[int]:
            return [scores[name].score(part, rota) for name in names]

        def stopped() -> bool:
            if params.on_progress is not None:
                params.on_progress(
                    Progress(
                        tier=f"{tier.name}, day by day",
                        step=index + 1,
                        steps=steps,
                        sense=tier.sense,
                        value=tier.score(self.problem, chosen),
                        bound=None,
                        seconds=time.monotonic() - started,
                    )
                )
            return ctrl_c.pressed

        found = by_day.solve_by_day(
            self.problem,
            names,
            self._day_optima,
            chosen,
            limit.work,
            limit.wall,
            solve_part,
            rank,
            stopped,
            parallel=by_day.PARALLEL,
            parts_alone=self._alone(),
            index=self._day_index(),
            load=load,
        )
        if found.interrupted:
            ctrl_c.pressed = True
            return chosen, found.work
        if found.bounds is not None:
            self._day_bounds[tier.name] = dict(found.bounds)
        candidate = warm_start(self.problem, found.rota)
        better = rank(self.problem, candidate) > rank(self.problem, chosen)
        return (candidate if better else chosen), found.work

    def _expression(self, step: list[Tier], scale: int) -> Expression:
        """The step's objective in the model (its tiers' helpers added to it): one tier's
        expression, or two tiers' as `first x scale + second`."""
        expressions = [tier.build(self.model, self.problem, self.variables) for tier in step]
        if len(step) == 2:
            return cp_model.LinearExpr.weighted_sum(expressions, [scale, 1])
        (expression,) = expressions
        return expression

    def _hold(self, step: list[Tier], run: _Run) -> None:
        """Hold the step at the objective it reached, in the model (when it is built)."""
        if self._model is None:
            self._pending.append((step, run.objective, run.scale))
            return
        expression = run.expression
        if expression is None:  # proven or kept without a search: not built yet
            expression = self._expression(step, run.scale)
        self._add_hold(step, expression, run.objective)

    def _add_hold(self, step: list[Tier], expression: Expression, value: int) -> None:
        if isinstance(expression, int):
            return  # nothing to decide in this tier
        if len(step) == 1 and self._hold_meetings(step[0], value):
            return
        if step[0].sense == "max":
            self.model.add(expression >= value)
        else:
            self.model.add(expression <= value)

    def _hold_meetings(self, tier: Tier, value: int) -> bool:
        """Hold a tier at its limit meeting by meeting, when that says the same as its sum
        (whether it did): coverage at its limit is every meeting of some weight that
        someone may attend covered. Measured (README, "How a rota is found"): the later
        searches keep the same rotas and the expertise search of a large day goes faster.
        Depth held the same way was tried and not kept (slower on the whole conference)."""
        problem, variables = self.problem, self.variables
        if tier.name != "coverage" or value != coverage_limit(problem):
            return False
        for meeting, covered in variables.covered.items():
            if problem.slots[meeting].weight > 0:
                self.model.add(covered == 1)
        return True


# The part of the time limit a plan of several days spends on its days solved alone.
BY_DAY_SHARE = 0.8
# The part of a step's time the whole plan is searched first, before its days (after the
# first tier solved day by day).
JOINT_FIRST = 0.2
# The solver's deterministic seconds (a second of the time limit) below which the whole plan
# is not searched after (or before) its days: loading a large model costs more than that
# search could find (measured on the 200-person whole conference: 3 to 5 s for each search
# of expertise, whatever its time limit).
MIN_SEARCH = 0.5


def _bound(
    solver: cp_model.CpSolver, status: cp_model.CpSolverStatus, maximise: bool, limit: int | None
) -> int | None:
    """The best bound known for a step: the solver's, tightened by the step's limit (None
    when there is neither)."""
    known = solver.best_objective_bound
    bounds = [limit] if limit is not None else []
    # Without a rota the solver reports no bound worth the name.
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and math.isfinite(known):
        bounds.append(math.floor(known + 1e-6) if maximise else math.ceil(known - 1e-6))
    if not bounds:
        return None  # the search stopped before it had one
    return min(bounds) if maximise else max(bounds)


@dataclass(frozen=True)
class _Run:
    """One tier's solve: its expression (None when it was not searched), status,
    objective, bound, time and rota."""

    expression: Expression | None
    status: str
    objective: int
    bound: int | None
    seconds: float
    chosen: frozenset[tuple[str, str]]
    scale: int = 1  # for two tiers solved together: the weight of the first
    interrupted: bool = False
    searched: bool = False  # False when proven from the step's limit without a search
    work: float = 0.0  # the solver's deterministic time


@dataclass(frozen=True)
class _Limit:
    """A step's time. `work`, in the solver's deterministic seconds, decides where the
    search stops, so that the same problem is solved the same way each time. `wall`
    seconds, what is left of the time limit, is a safety net: the limit holds on a slower
    machine too, and a step slower than expected takes from the later ones. `share` of the
    wall time is the step's own: what a MIP racing it may take. `load` of the work is what
    loading the model costs a search (see LOAD_WORK_PER_PAIR)."""

    work: float
    wall: float
    share: float
    load: float

    @property
    def search(self) -> float:
        """The work left for the search itself, once the model is loaded."""
        return self.work - self.load

    def part(self, fraction: float) -> _Limit:
        return _Limit(self.work * fraction, self.wall, self.share * fraction, self.load)

    def less(self, work: float, seconds: float) -> _Limit:
        """What is left after `work` deterministic and `seconds` wall seconds."""
        return _Limit(
            max(0.05, self.work - work),
            max(0.05, self.wall - seconds),
            max(0.05, self.share - seconds),
            self.load,
        )


# The solver's deterministic seconds a plan of one day may spend per second of its time
# limit: below what CP-SAT does per wall second on this machine (2 cores, 2026-12-02), so
# that the deterministic limit, not the wall clock, stops the searches. Measured per search
# on the scarce days of `benchmarks/scale.py`, one worker, wall time including presolve:
# 0.58 to 1.3 (the lowest on the quality tiers of the 25 x 180 and 40 x 224 days; the
# searches of a plan add up, so one slow search takes from the later ones' wall time).
WORK_PER_SECOND = 0.7
# The same for a plan of several days solved day by day, whose days are solved two at a
# time (each at 0.33 deterministic seconds per wall second, 0.5 to 0.75 alone) and cost the
# interpreter time to build (0.4 instead: coverage of the scarce 40-person conference no
# longer proven in the default minute).
PLAN_WORK_PER_SECOND = 0.5
# The part of what is left the last search of a plan of one day leaves unspent: it bears
# whatever the earlier ones took beyond their expected wall time. Measured on 2026-12-02
# with the default minute: the last search of the 200-person day (fairness and continuity,
# 11k pairs) runs at 0.44 deterministic seconds per wall second, and without this margin
# the wall clock stopped it.
LAST_MARGIN = 0.5
# The part of a plan's budget (several days) its last search leaves unspent: the wall time
# the interpreter spends between searches (building, solving and scoring the days) is not
# all charged to the budget. Measured on the whole conferences with the default minute:
# without it (or with half of what is left, as for one day), the wall clock stopped the
# last search of the 200-person and of the scarce 40-person conference.
PLAN_RESERVE = 0.3
# What loading and presolving the model costs each search, in deterministic seconds per
# eligible pair, beyond the solver's own count (which hardly counts it): charged to the
# plan's budget, so that a large plan's searches fit in its time limit and none is cut
# short by the wall clock. Measured per search of expertise and fairness on the whole
# conferences of `benchmarks/scale.py` (the wall time beyond the deterministic time at 0.5
# per second): 2.4e-5 to 4.2e-5 on 142k pairs, 5.9e-5 on 13k; on a day of 2k pairs it is
# lost in the 0.7 per second. Charged to the parts of a plan solved day by day too (each
# part's work includes loading its model), not to a deterministic solve.
LOAD_WORK_PER_PAIR = 5e-5


def _load_per_pair(params: SolveParams) -> float:
    """What loading a model costs a search, per eligible pair (see LOAD_WORK_PER_PAIR)."""
    return 0.0 if params.deterministic else LOAD_WORK_PER_PAIR


# The presolve passes of a search of a part of a plan solved day by day (CP-SAT's default
# is 3), which also skips the phase CP-SAT spends on the hint before its own search
# (`hint_conflict_limit` 0): the hint stays its first rota. A day's presolve takes about
# half of its deterministic time, and it is done again for each of a plan's many parts.
# Measured on 2026-12-03 (`rota plan`, default minute): a day of the 200-person whole
# conference proves expertise in 0.66 s instead of 1.1-1.3 s, the same optimum; the
# example's whole conference (19 days) 13.3-15.3 s instead of 19.8 s, every tier proven
# as before; the 200-person conference 34.2 s instead of 44.0 s (expertise 132,159
# against 132,227, bound 133,287); the scarce 40-person conference coverage proven at
# 11 s instead of 15 s, depth 5,088 against 4,551 and expertise 81,937 against 81,192, in
# 52.5 s against 46.9 s. For whole single days the defaults stay: there the same change
# made the 15 x 100 day take 5.2 s instead of 3.4 s.
PART_PRESOLVE_ITERATIONS = 1

RACE_AFTER = 0.5  # seconds of CP-SAT search before the MIP starts racing it


class _CtrlC:
    """While active in the main thread, Ctrl-C (SIGINT) stops the running solve gracefully
    and no later one starts, instead of raising KeyboardInterrupt at some random point.

    The solve runs in a worker thread while this thread waits, because a Python signal
    handler only runs in the main thread between bytecodes, never while it is inside the
    solver's C++ code. Outside the main thread there is no handler and nothing to stop."""

    def __init__(self, stop: Callable[[], bool] | None = None) -> None:
        self.pressed = False
        self._stop = stop
        self._previous: Any = None
        self._installed = False

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._press)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False

    def _press(self, signum: int, frame: object) -> None:
        self.pressed = True

    def asked(self) -> bool:
        """Whether Ctrl-C was pressed, or whoever passed `stop` asks to stop."""
        if not self.pressed and self._stop is not None and self._stop():
            self.pressed = True
        return self.pressed

    def solve(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        reporter: _Reporter | None,
        race: MipRace | None = None,
    ) -> tuple[cp_model.CpSolverStatus, bool]:
        """Solve, stopping the search when Ctrl-C is pressed, or (with a MIP racing)
        once the search has a rota of the optimum the MIP proved; returns (status,
        interrupted)."""
        if self.asked():
            return cp_model.UNKNOWN, True
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["status"] = solver.solve(model, reporter)
            except BaseException as error:  # re-raised in the caller's thread
                outcome["error"] = error
            finally:
                done.set()

        thread = threading.Thread(target=work, name="cp-sat", daemon=True)
        thread.start()
        # A short timeout, so that a press is seen even if it came before the search began
        # (a stop asked before then would be lost); done.wait returns as soon as it is set.
        started = time.monotonic()
        while not done.wait(timeout=0.1):
            if self.asked():
                solver.stop_search()
            elif race is not None and not race.started:
                # Not for searches that end at once: starting the MIP costs them more
                # than it could save (measured: 0.2 s on a day CP-SAT proves in 0.05 s).
                if time.monotonic() - started >= RACE_AFTER:
                    race.start(time.monotonic() - started)
            elif race is not None and reporter is not None and reporter.target is None:
                optimum = race.optimum
                if optimum is not None:
                    reporter.target = optimum
                    if reporter.reached_target:
                        solver.stop_search()
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["status"], self.pressed

    def wait(self, race: MipRace) -> frozenset[tuple[str, str]] | None:
        """Wait for a MIP racing CP-SAT (stopping it on Ctrl-C); its rota when proven."""
        if not race.started:
            return None
        while not race.done.wait(timeout=0.1):
            if self.pressed:
                race.stop()
        result = race.result()
        if result is None or race.optimum is None or self.pressed:
            return None
        return result.chosen


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each better rota and bound of one step to `on_progress`."""

    def __init__(
        self,
        on_progress: Callable[[Progress], None] | None,
        tier: Tier,
        scale: int,
        where: tuple[int, int, float],
    ) -> None:
        super().__init__()
        self._emit = on_progress
        self._tier = tier
        self._scale = scale
        self._index, self._steps, self._started = where
        self._value: int | None = None
        self._bound: int | None = None
        # With a MIP racing: the optimum it proved, and the best objective found here.
        self.target: int | None = None
        self.best: float | None = None

    @property
    def reached_target(self) -> bool:
        if self.target is None or self.best is None:
            return False
        return round(self.best) >= self.target

    def start(self, value: int | None = None, bound: int | None = None) -> None:
        """The step begins, from a rota worth `value` (its bound `bound`, when known)."""
        self._value = None if value is None else value // self._scale
        self._bound = None if bound is None else bound // self._scale
        self._send()

    def found(self, objective: int) -> None:
        """A better rota found outside the solver's search (its neighbourhoods)."""
        self.best = objective
        self._value = self._first(objective)
        self._send()

    def on_solution_callback(self) -> None:
        self.best = self.objective_value
        if self.reached_target:
            self.stop_search()
        self._value = self._first(self.objective_value)
        self._bound = self._first(self.best_objective_bound)
        self._send()

    def on_bound(self, bound: float) -> None:
        self._bound = self._first(bound)
        self._send()

    def _first(self, combined: float) -> int:
        """The first tier's part of a step's objective (`first x scale + second`)."""
        return round(combined) // self._scale

    def _send(self) -> None:
        if self._emit is None:
            return
        self._emit(
            Progress(
                tier=self._tier.name,
                step=self._index + 1,
                steps=self._steps,
                sense=self._tier.sense,
                value=self._value,
                bound=self._bound,
                seconds=time.monotonic() - self._started,
            )
        )
