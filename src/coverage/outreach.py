"""Coalitions of member states and the bilateral meetings the group could broker.

`states.yaml` in the workspace describes the member states (region, delegation, stances on
the group's issues) and the ties between them. Per issue, a weighted `networkx` graph of
those ties gives blocs of like-minded states (Louvain communities, fixed seed), swing
states (undecided or leaning), the states that bridge blocs (betweenness) and each state's
influence (weighted degree, scaled so the best-connected state has 1). From it come
ranked bilateral suggestions (a supporting messenger state, a swing state it is tied to,
and an attendee who can broker the meeting), free time slots in a broker's published rota,
and support offers to small delegations. See README, "Coalitions and bilateral outreach".
states.yaml is part of the workspace: its models are in `coverage.domain`, its reading in
`coverage.io`. Nothing here prints or knows about the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from coverage.domain import (
    STANCE_VALUE,
    Attendee,
    Coalitions,
    Meeting,
    Workspace,
)
from coverage.hard_rules import allowed
from coverage.problem import FixedAssignment, build_problem

if TYPE_CHECKING:
    import networkx as nx

SEED = 0  # community detection is randomised: a fixed seed gives the same blocs every run

SWINGNESS: dict[str, float] = {"undecided": 1.0, "lean_support": 0.6, "lean_oppose": 0.6}
ACCESS_FACTOR: dict[str, float] = {"delegation": 1.0, "contact": 0.8}
SMALL_DELEGATION = 5  # at most this many delegates: a delegation the group could help


# --- The coalition graph ------------------------------------------------------------------


def tie_graph(coalitions: Coalitions) -> nx.Graph:
    """Every state, and a weighted edge per tie (issue-independent)."""
    import networkx as nx

    graph = nx.Graph()
    for code in sorted(coalitions.states):
        state = coalitions.states[code]
        graph.add_node(
            code,
            name=state.name,
            region=state.region,
            delegation_size=state.delegation_size,
            open_to_civil_society=state.open_to_civil_society,
        )
    for tie in sorted(coalitions.ties.values(), key=lambda t: tuple(sorted((t.a, t.b)))):
        if tie.weight > 0:
            graph.add_edge(tie.a, tie.b, weight=float(tie.weight), kind=tie.kind)
    return graph


@dataclass(frozen=True)
class IssueGraph:
    """The coalition graph of one issue and what it says."""

    issue: str
    graph: nx.Graph  # node attributes: stance, bloc, influence, betweenness, swing
    blocs: list[list[str]]
    swing: list[str]
    bridges: list[str]
    influence: dict[str, float]
    betweenness: dict[str, float]


def issue_graph(coalitions: Coalitions, issue: str) -> IssueGraph:
    """Blocs, swing states, bridges and influence on `issue`.

    - affinity of a tie = weight x (1 - |stance a - stance b| / 4) (stances -2..2; a state
      without a stance on the issue counts as undecided here);
    - blocs: Louvain communities over affinity (seed 0); a state with no affinity to anyone
      is a bloc of its own;
    - influence: weighted degree (the sum of a state's tie weights), divided by the largest
      (so the best-connected state has 1);
    - betweenness: over tie distances 1 / weight, normalised; bridges are the states with
      betweenness > 0 that have ties into more than one bloc.
    """
    import networkx as nx

    graph = tie_graph(coalitions)
    stance = {code: coalitions.states[code].stances.get(issue, "unknown") for code in graph.nodes}
    affinity = nx.Graph()
    affinity.add_nodes_from(graph.nodes)
    for a, b, data in graph.edges(data=True):
        gap = abs(STANCE_VALUE.get(stance[a], 0) - STANCE_VALUE.get(stance[b], 0))
        value = data["weight"] * (1 - gap / 4)
        data["affinity"] = round(value, 6)
        if value > 0:
            affinity.add_edge(a, b, weight=value)
    if affinity.number_of_edges():
        communities = nx.community.louvain_communities(affinity, weight="weight", seed=SEED)
    else:
        communities = [{code} for code in affinity.nodes]
    blocs = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c))
    bloc_of = {code: n for n, bloc in enumerate(blocs) for code in bloc}
    rank = dict(graph.degree(weight="weight"))
    top = max(rank.values(), default=0.0) or 1.0
    influence = {code: round(value / top, 4) for code, value in rank.items()}
    for _, _, data in graph.edges(data=True):
        data["distance"] = 1 / data["weight"]
    between_raw = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    betweenness = {code: round(value, 4) for code, value in between_raw.items()}
    bridges = sorted(
        (
            code
            for code in graph.nodes
            if betweenness[code] > 0 and len({bloc_of[n] for n in graph.neighbors(code)}) > 1
        ),
        key=lambda c: (-betweenness[c], c),
    )
    swing = sorted(code for code in graph.nodes if stance[code] in SWINGNESS)
    for code in graph.nodes:
        graph.nodes[code].update(
            stance=stance[code],
            bloc=bloc_of[code],
            influence=influence[code],
            betweenness=betweenness[code],
            swing=stance[code] in SWINGNESS,
        )
    return IssueGraph(issue, graph, blocs, swing, bridges, influence, betweenness)


# --- Suggestions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Broker:
    """An attendee who can arrange a meeting with a state's delegation."""

    attendee: str
    name: str
    access: Literal["delegation", "contact"]
    expertise: int


def brokers_for(ws: Workspace, state: str, issue: str) -> list[Broker]:
    """Attendees on `state`'s delegation or with a contact there who know `issue`, best
    first (expertise x access, then id)."""
    found = []
    for person in ws.attendees:
        level = person.expertise.get(issue, 0)
        if level < 1:
            continue
        if person.delegation == state:
            found.append(Broker(person.id, person.name, "delegation", level))
        elif state in person.contacts:
            found.append(Broker(person.id, person.name, "contact", level))
    return sorted(found, key=lambda b: (-b.expertise * ACCESS_FACTOR[b.access], b.attendee))


@dataclass
class Suggestion:
    """One bilateral meeting to propose: messenger -> swing state on an issue."""

    issue: str
    messenger: str
    swing: str
    swing_stance: str
    tie_kind: str
    factors: dict[str, float]
    score: float
    broker: Broker | None
    other_brokers: list[str]
    rationale: str
    seat_hint: str | None = None
    slot: dict[str, str] | None = None
    slot_note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "messenger": self.messenger,
            "swing_state": self.swing,
            "swing_stance": self.swing_stance,
            "tie_kind": self.tie_kind,
            "score": self.score,
            "factors": self.factors,
            "broker": None
            if self.broker is None
            else {
                "attendee": self.broker.attendee,
                "name": self.broker.name,
                "access": self.broker.access,
                "expertise": self.broker.expertise,
            },
            "other_brokers": self.other_brokers,
            "rationale": self.rationale,
            "seat_hint": self.seat_hint,
            "slot": self.slot,
            "slot_note": self.slot_note,
        }


def suggestions(
    ws: Workspace, coalitions: Coalitions, graphs: list[IssueGraph]
) -> tuple[list[Suggestion], list[Suggestion]]:
    """Brokered suggestions, best first, and the ones no attendee can broker (with a hint
    of the delegation seat that would make each possible).

    score = tie weight x messenger influence x swingness (undecided 1.0, lean_* 0.6)
            x issue weight x broker expertise / 3 x access (delegation 1.0, contact 0.8)
    """
    weights = {i.id: i.weight for i in ws.conference.issues}
    names = {code: s.name for code, s in coalitions.states.items()}
    brokered: list[Suggestion] = []
    unbrokered: list[Suggestion] = []
    for ig in graphs:
        issue, graph = ig.issue, ig.graph
        for messenger in sorted(graph.nodes):
            if graph.nodes[messenger]["stance"] != "support":
                continue
            for swing in sorted(graph.neighbors(messenger)):
                stance = graph.nodes[swing]["stance"]
                if stance not in SWINGNESS:
                    continue
                edge = graph.edges[messenger, swing]
                base = {
                    "tie_weight": round(edge["weight"], 4),
                    "messenger_influence": ig.influence[messenger],
                    "swingness": SWINGNESS[stance],
                    "issue_weight": float(weights.get(issue, 1)),
                }
                product = 1.0
                for value in base.values():
                    product *= value
                found = brokers_for(ws, messenger, issue)
                tie = f"a {edge['kind']} tie of weight {edge['weight']:g}"
                lead = (
                    f"{messenger} ({names[messenger]}) supports {issue} "
                    f"(influence {ig.influence[messenger]:g}) and has {tie} to {swing} "
                    f"({names[swing]}, {stance})"
                )
                if found:
                    best = found[0]
                    factors = {
                        **base,
                        "broker_expertise": round(best.expertise / 3, 4),
                        "broker_access": ACCESS_FACTOR[best.access],
                    }
                    score = product * factors["broker_expertise"] * factors["broker_access"]
                    where = (
                        f"sits on {messenger}'s delegation"
                        if best.access == "delegation"
                        else f"has a contact on {messenger}'s delegation"
                    )
                    brokered.append(
                        Suggestion(
                            issue,
                            messenger,
                            swing,
                            stance,
                            edge["kind"],
                            factors,
                            round(score, 4),
                            best,
                            [b.attendee for b in found[1:]],
                            f"{lead}; {best.name} {where} and knows {issue} at level "
                            f"{best.expertise}",
                        )
                    )
                else:
                    experts = sorted(
                        (p for p in ws.attendees if p.expertise.get(issue, 0) >= 1),
                        key=lambda p: (-p.expertise.get(issue, 0), p.id),
                    )
                    who = (
                        f" (e.g. {experts[0].name}, who knows {issue} at level "
                        f"{experts[0].expertise[issue]})"
                        if experts
                        else " (nobody in the group knows it yet)"
                    )
                    factors = {**base, "broker_expertise": 0.0, "broker_access": 0.0}
                    unbrokered.append(
                        Suggestion(
                            issue,
                            messenger,
                            swing,
                            stance,
                            edge["kind"],
                            factors,
                            0.0,
                            None,
                            [],
                            f"{lead}; nobody in the group sits on {messenger}'s delegation or "
                            f"has a contact there who knows {issue}",
                            seat_hint=f"a seat on the delegation of {messenger} "
                            f"({names[messenger]}) for someone who knows {issue}{who} would "
                            "make this meeting possible",
                            extra={"potential_score": round(product, 4)},
                        )
                    )
    brokered.sort(key=lambda s: (-s.score, s.issue, s.messenger, s.swing))
    unbrokered.sort(key=lambda s: (-s.extra["potential_score"], s.issue, s.messenger, s.swing))
    return brokered, unbrokered


# --- Support offers -------------------------------------------------------------------------


def support_offers(
    ws: Workspace, coalitions: Coalitions, only: str | None = None
) -> list[dict[str, Any]]:
    """Like-minded states (support or lean_support) with small delegations (at most
    SMALL_DELEGATION) open to civil society, and per issue (only issue `only` when given)
    the group's people who know it."""
    offers = []
    for code in sorted(coalitions.states):
        state = coalitions.states[code]
        if not state.open_to_civil_society or state.delegation_size > SMALL_DELEGATION:
            continue
        issues = []
        for issue in ws.conference.issues:
            if only is not None and issue.id != only:
                continue
            if state.stances.get(issue.id) not in ("support", "lean_support"):
                continue
            experts = sorted(
                (p for p in ws.attendees if p.expertise.get(issue.id, 0) >= 2),
                key=lambda p: (-p.expertise.get(issue.id, 0), p.id),
            )
            if experts:
                issues.append(
                    {
                        "issue": issue.id,
                        "stance": state.stances[issue.id],
                        "weight": issue.weight,
                        "experts": [p.id for p in experts],
                    }
                )
        if issues:
            offers.append(
                {
                    "state": code,
                    "name": state.name,
                    "region": state.region,
                    "delegation_size": state.delegation_size,
                    "issues": issues,
                }
            )
    return offers


# --- Free slots -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Busy:
    """What a person already does: the day's published duties and those of other days."""

    same_day: list[FixedAssignment]
    other_days: list[FixedAssignment]


def busy_of(
    person: str, today: list[FixedAssignment], history: list[FixedAssignment], ws: Workspace
) -> Busy:
    """The person's duties from the day's rota and from the other published days."""
    return Busy(
        [a for a in today if a.attendee == person],
        [a for a in history if a.attendee == person],
    )


SLOT_ID = "candidate-slot"


def free_slot(
    ws: Workspace,
    person: Attendee,
    day: date,
    minutes: int,
    busy: Busy,
    not_before: datetime | None = None,
    issues: tuple[str, ...] = (),
) -> tuple[datetime, datetime] | None:
    """The earliest slot of `minutes` on a 15-minute grid in conference day `day`, starting
    no earlier than `not_before`, for a bilateral on `issues` that keeps every rule with the
    person's duties: daytime (09:00-19:00) first, then the rest of the conference day. None
    when there is none.

    Each candidate is judged as the planner will judge the bilateral `rota outreach --add`
    writes: the staffing problem of the person alone with that meeting (their duties of the
    day and of other days as fixed), where it must be an option (the person knows its
    issues well enough, and is available) and break no hard rule."""
    conf = ws.conference
    opens, closes = conf.day_opens(day), conf.day_closes(day)
    length = timedelta(minutes=minutes)
    daytime = (
        conf.localize(datetime.combine(day, time(9))),
        conf.localize(datetime.combine(day, time(19))),
    )
    candidates: list[datetime] = []
    moment = opens
    while moment + length <= closes:
        if not_before is None or moment >= not_before:
            candidates.append(moment)
        moment += timedelta(minutes=15)
    preferred = [c for c in candidates if daytime[0] <= c and c + length <= daytime[1]]
    rest_of = [c for c in candidates if c not in set(preferred)]
    alone = ws.model_copy(update={"attendees": (person,), "meetings": ()})
    for start in [*preferred, *rest_of]:
        candidate = Meeting.model_validate(
            {
                "id": SLOT_ID,
                "title": "bilateral",
                "kind": "bilateral",
                "issues": list(issues),
                "start": start,
                "end": start + length,
            },
            context={"conference": conf},
        )
        trial = alone.model_copy(update={"meetings": (candidate,)})
        problem = build_problem(trial, [day], history=busy.other_days, frozen=busy.same_day)
        if allowed(problem, person.id, SLOT_ID):
            return start, start + length
    return None


# --- The whole report ---------------------------------------------------------------------


@dataclass
class Report:
    """What `rota outreach` shows and writes."""

    graphs: list[IssueGraph]
    suggestions: list[Suggestion]
    without_broker: list[Suggestion]
    offers: list[dict[str, Any]]
    day: date | None = None
    rota_version: int | None = None
    not_before: datetime | None = None

    def as_json(self, coalitions: Coalitions) -> dict[str, Any]:
        return {
            "score_formula": (
                "tie_weight x messenger_influence x swingness x issue_weight "
                "x broker_expertise x broker_access"
            ),
            "day": self.day.isoformat() if self.day else None,
            "rota_version": self.rota_version,
            "not_before": self.not_before.isoformat() if self.not_before else None,
            "suggestions": [s.as_json() for s in self.suggestions],
            "without_broker": [
                {**s.as_json(), "potential_score": s.extra["potential_score"]}
                for s in self.without_broker
            ],
            "support_offers": self.offers,
            "issues": [
                {
                    "issue": g.issue,
                    "blocs": g.blocs,
                    "swing_states": g.swing,
                    "bridges": g.bridges,
                    "influence": dict(sorted(g.influence.items(), key=lambda kv: (-kv[1], kv[0]))),
                    "betweenness": {k: v for k, v in sorted(g.betweenness.items()) if v > 0},
                }
                for g in self.graphs
            ],
            "regional_tie_weight": coalitions.regional_tie_weight,
        }


def outreach(
    ws: Workspace,
    coalitions: Coalitions,
    issue: str | None = None,
    top: int | None = None,
) -> Report:
    """Graphs, ranked suggestions (the best `top`), unbrokered ones and support offers."""
    issues = [i.id for i in ws.conference.issues if issue is None or i.id == issue]
    graphs = [issue_graph(coalitions, i) for i in issues]
    brokered, unbrokered = suggestions(ws, coalitions, graphs)
    if top is not None:
        brokered, unbrokered = brokered[:top], unbrokered[:top]
    return Report(graphs, brokered, unbrokered, support_offers(ws, coalitions, issue))


def schedule(
    ws: Workspace,
    report: Report,
    day: date,
    minutes: int,
    today: list[FixedAssignment],
    history: list[FixedAssignment],
    version: int | None,
    not_before: datetime | None = None,
) -> None:
    """Give each brokered suggestion a free slot of its broker on `day`, none before
    `not_before` (best suggestions first; a slot once given counts as a duty for the next
    ones)."""
    report.day, report.rota_version = day, version
    report.not_before = not_before
    taken: dict[str, list[FixedAssignment]] = {}
    local = ws.conference.localize
    for suggestion in report.suggestions:
        assert suggestion.broker is not None
        who = suggestion.broker.attendee
        busy = busy_of(who, today, history, ws)
        busy.same_day.extend(taken.get(who, []))
        issues = (suggestion.issue,)
        found = free_slot(ws, ws.attendee(who), day, minutes, busy, not_before, issues)
        if found is None:
            after = f" after {local(not_before):%H:%M}" if not_before is not None else ""
            suggestion.slot_note = (
                f"no free {minutes}-minute slot for {suggestion.broker.name} on {day}{after} "
                "that keeps the rules (changeover, duty hours, rest, late nights, availability, "
                "expertise)"
            )
            continue
        start, end = found
        suggestion.slot = {
            "start": f"{local(start):%Y-%m-%d %H:%M}",
            "end": f"{local(end):%Y-%m-%d %H:%M}",
        }
        given = FixedAssignment(f"slot-{len(taken.get(who, []))}", who, day, start, end)
        taken.setdefault(who, []).append(given)
