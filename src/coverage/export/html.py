"""The rota as one self-contained web page (`rota.html`): each day as a timeline from the
start to the end of the conference day, one row per attendee and one for the uncovered
meetings, meetings as blocks coloured by issue, details on tap, a filter by issue, and,
after a replan, what changed since the version before.

No network: the CSS and the little JavaScript are inline, and the page works without
JavaScript too (everything is shown; only the filter and the details need it). Every text
from the workspace is escaped; the data for the details travels as JSON in a
`<script type="application/json">` element with `<`, `>` and `&` escaped, and is put on
the page with `textContent` only. Names only, no contact details."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

from coverage.changes import PersonChange, diff_versions
from coverage.export.common import clock, issue_names, proof, span

CSS = files("coverage.export").joinpath("rota.css").read_text(encoding="utf-8")
SCRIPT = files("coverage.export").joinpath("rota.js").read_text(encoding="utf-8")

# Distinct colours for issues, in the order the conference lists them (no red, which marks
# what is uncovered, and no grey, which marks meetings without issues).
PALETTE = (
    "#4e79a7",  # blue
    "#f28e2b",  # orange
    "#59a14f",  # green
    "#b07aa1",  # mauve
    "#76b7b2",  # teal
    "#edc948",  # yellow
    "#ff9da7",  # pink
    "#9c755f",  # brown
    "#17becf",  # cyan
    "#bcbd22",  # olive
    "#1f3a93",  # navy
    "#6b4c9a",  # violet
)
NO_ISSUE = "#8a8a8a"
AXIS_EVERY = 8  # repeat the hours after this many people, so they stay in sight

ACCESS_TEXT = {
    "open": "open",
    "member_states": "member states only",
    "delegations": "listed delegations only",
    "closed": "closed",
}


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _tint(colour: str, white: float = 0.78) -> str:
    """`colour` mixed with white (a light background that dark text reads well on)."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * white) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


@dataclass
class _Block:
    """One block on a row: a meeting, as assigned, newly assigned, removed or uncovered."""

    meeting: dict[str, Any]
    state: str  # "assigned", "new", "removed", "uncovered"
    start: datetime
    end: datetime
    frozen: bool = False
    note: str = ""


def render_html(rota: dict[str, Any], previous: dict[str, dict[str, Any]] | None = None) -> str:
    """The page for a published rota (its JSON data). `previous` maps a day (ISO date) to
    the rota published for it before this one, whose changes are then highlighted."""
    return _Page(rota, previous or {}).render()


class _Page:
    """One rendering of a published rota: the lookups every part of the page needs."""

    def __init__(self, rota: dict[str, Any], previous: dict[str, dict[str, Any]]) -> None:
        self.rota = rota
        self.previous = previous
        self.zone = ZoneInfo(rota["timezone"])
        window = rota.get("day_window") or {"start": "08:00", "end": "03:00"}
        self.day_start = time.fromisoformat(window["start"])
        self.day_end = time.fromisoformat(window["end"])
        self.names = {a["id"]: a["name"] for a in rota["attendees"]}
        self.delegations = {
            a["id"]: a["delegation"] for a in rota["attendees"] if a.get("delegation")
        }
        self.issues = issue_names(rota)
        self.colours = {i: PALETTE[n % len(PALETTE)] for n, i in enumerate(self.issues)}
        self.meetings = {m["id"]: m for m in rota["meetings"]}
        self.reasons = {u["meeting"]: u for u in rota.get("uncovered", [])}
        self.old_meetings: dict[str, dict[str, Any]] = {}
        for old in previous.values():
            for m in old.get("meetings", []):
                self.old_meetings.setdefault(m["id"], m)

    # --- the page ---------------------------------------------------------------------------

    def render(self) -> str:
        rota = self.rota
        days = rota["days"]
        when = days[0] if len(days) == 1 else f"{days[0]} to {days[-1]}"
        title = f"Rota: {rota['conference']}, {when}"
        sections = "\n".join(self._day(day) for day in days)
        return (
            "<!doctype html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{self._header()}\n<main>\n{sections}\n</main>\n"
            '<dialog id="details" aria-labelledby="details-title">'
            '<form method="dialog"><button class="close" aria-label="Close">Close</button></form>'
            '<div class="details-body"></div></dialog>\n'
            f'<script type="application/json" id="rota-data">{self._json()}</script>\n'
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
        )

    def _header(self) -> str:
        rota = self.rota
        run = rota.get("run", {})
        days = rota["days"]
        facts = [f"Rota for {days[0]}" + (f" to {days[-1]}" if len(days) > 1 else "")]
        if "version" in run:
            facts.append(f"version {run['version']}")
        replan = rota.get("replan")
        if replan:
            facts.append(f"replanned at {clock(replan['now'])} from version {replan['based_on']}")
        if run.get("created_at"):
            made = datetime.fromisoformat(run["created_at"]).astimezone(self.zone)
            facts.append(f"made {made:%Y-%m-%d %H:%M} conference time")
        after = ""
        if replan:
            after = (
                f" The dashed line is {clock(replan['now'])}, when the rota was replanned: "
                "meetings before it had started and are kept as they were."
            )
        optimal = rota["solver"]["status"] == "OPTIMAL"
        verdict = f'<span class="verdict {"ok" if optimal else "warn"}">{_e(proof(rota))}</span>'
        buttons = ['<button type="button" data-issue="" aria-pressed="true">All issues</button>']
        for issue, name in self.issues.items():
            buttons.append(
                f'<button type="button" data-issue="{_e(issue)}" aria-pressed="false" '
                f'style="--c:{self.colours[issue]}"><i></i>{_e(name)}</button>'
            )
        return (
            f"<header>\n<h1>{_e(rota['conference'])}</h1>\n"
            f'<p class="meta">{_e(" · ".join(facts))}</p>\n<p class="meta">{verdict}</p>\n'
            '<nav class="filter" aria-label="Show one issue" hidden>'
            + "".join(buttons)
            + "</nav>\n"
            '<p class="filter-note" hidden></p>\n'
            '<p class="hint">Tap a meeting for its details. Scroll sideways for the whole day.'
            f"{after}</p>\n</header>"
        )

    # --- one day ------------------------------------------------------------------------------

    def _day(self, day: str) -> str:
        the_day = date.fromisoformat(day)
        todays = [m for m in self.rota["meetings"] if m["day"] == day]
        assignments = [a for a in self.rota["assignments"] if a["day"] == day]
        changes, before = self._changes(day)
        rows: dict[str, list[_Block]] = {a["id"]: [] for a in self.rota["attendees"]}
        added = {(c.attendee, m) for c in changes for m in c.added}
        for a in assignments:
            meeting = self.meetings.get(a["meeting"]) or self.old_meetings.get(a["meeting"])
            if meeting is None:
                continue
            new = (a["attendee"], a["meeting"]) in added
            rows.setdefault(a["attendee"], []).append(
                _Block(
                    meeting,
                    "new" if new else "assigned",
                    datetime.fromisoformat(a["start"]),
                    datetime.fromisoformat(a["end"]),
                    frozen=bool(a.get("frozen")),
                    note="newly assigned in this version" if new else "",
                )
            )
        for change in changes:
            for meeting_id, why in change.removed:
                old = before.get(meeting_id) or self.old_meetings.get(meeting_id)
                if old is None:
                    continue
                rows.setdefault(change.attendee, []).append(
                    _Block(
                        old,
                        "removed",
                        datetime.fromisoformat(old["start"]),
                        datetime.fromisoformat(old["end"]),
                        note=f"removed in this version: {why}",
                    )
                )
        uncovered = [
            _Block(
                m,
                "uncovered",
                datetime.fromisoformat(m["start"]),
                datetime.fromisoformat(m["end"]),
            )
            for m in todays
            if m["status"] == "uncovered"
        ]
        every = [b for blocks in rows.values() for b in blocks] + uncovered
        first, last = self._axis(the_day, every)

        covered = sum(1 for m in todays if m["status"] == "covered")
        open_count = sum(1 for m in todays if m["status"] != "cancelled")
        on_duty = len({a["attendee"] for a in assignments})
        summary = (
            f"{covered} of {open_count} meetings covered · {len(uncovered)} uncovered · "
            f"{on_duty} of {len(self.rota['attendees'])} people on duty"
        )
        hours = (last - first).total_seconds() / 3600
        parts = [
            f'<section class="day" data-day="{_e(day)}">',
            f"<h2>{_e(f'{the_day:%A} {the_day.day} {the_day:%B %Y}')}</h2>",
            f'<p class="summary">{_e(summary)}</p>',
            self._changes_list(day, changes, before),
            f'<div class="scroll"><div class="grid" style="--hours:{hours:.2f}">',
            self._axis_row(first, last),
        ]
        now = self._now_mark(day, first, last)
        parts.append(
            self._row(
                "uncovered",
                "Uncovered",
                f"{len(uncovered)} meetings",
                uncovered,
                first,
                last,
                now,
                css="uncovered",
            )
        )
        by_id = {a["id"]: a for a in self.rota["attendees"]}
        order = [a["id"] for a in self.rota["attendees"]]
        order += [who for who in rows if who not in by_id]
        for index, who in enumerate(order):
            if index and index % AXIS_EVERY == 0:
                parts.append(self._axis_row(first, last))
            person = by_id.get(who, {"id": who, "name": who, "delegation": None})
            parts.append(
                self._row(
                    who,
                    person["name"],
                    person.get("delegation") or "",
                    rows.get(who, []),
                    first,
                    last,
                    now,
                )
            )
        if len(order) > AXIS_EVERY // 2:
            parts.append(self._axis_row(first, last))
        parts.append("</div></div>\n</section>")
        return "\n".join(p for p in parts if p)

    def _changes(self, day: str) -> tuple[list[PersonChange], dict[str, dict[str, Any]]]:
        """Per-person changes since the previous version of `day`, and its meetings."""
        old = self.previous.get(day)
        if old is None:
            return [], {}
        return diff_versions(old, self.rota, day), {m["id"]: m for m in old["meetings"]}

    def _changes_list(
        self, day: str, changes: list[PersonChange], before: dict[str, dict[str, Any]]
    ) -> str:
        old = self.previous.get(day)
        if old is None:
            return ""
        since = old.get("run", {}).get("version", "?")
        if not changes:
            return f'<p class="changes none">No changes since version {_e(since)}.</p>'
        items = []
        for change in changes:
            bits = []
            for meeting_id in change.added:
                m = self.meetings.get(meeting_id, {"title": meeting_id})
                bits.append(f"<ins>+ <bdi>{_e(m['title'])}</bdi> {_e(self._span(m))}</ins>")
            for meeting_id, why in change.removed:
                m = before.get(meeting_id) or self.meetings.get(meeting_id) or {"title": meeting_id}
                title = f"<bdi>{_e(m['title'])}</bdi>"
                bits.append(f"<del>− {title} {_e(self._span(m))}</del> ({_e(why)})")
            name = self.names.get(change.attendee, change.attendee)
            items.append(f"<li><b><bdi>{_e(name)}</bdi></b>: {'; '.join(bits)}</li>")
        return (
            f'<details class="changes" open><summary>Changed since version {_e(since)}: '
            f"{len(changes)} person(s)</summary><ul>{''.join(items)}</ul></details>"
        )

    @staticmethod
    def _span(meeting: dict[str, Any]) -> str:
        return span(meeting, "–") if "start" in meeting else ""

    def _axis(self, day: date, blocks: list[_Block]) -> tuple[datetime, datetime]:
        """The timeline's start and end: the conference day's window, widened to whole
        hours around any block outside it."""
        first = datetime.combine(day, self.day_start, self.zone)
        end_day = day + timedelta(days=1) if self.day_end <= self.day_start else day
        last = datetime.combine(end_day, self.day_end, self.zone)
        for block in blocks:
            if block.start < first:
                first = block.start.replace(minute=0, second=0, microsecond=0)
            if block.end > last:
                rounded = block.end.replace(minute=0, second=0, microsecond=0)
                last = rounded if rounded == block.end else rounded + timedelta(hours=1)
        return first, last

    def _axis_row(self, first: datetime, last: datetime) -> str:
        ticks = []
        moment = first.astimezone(UTC)
        stop = last.astimezone(UTC)
        while moment < stop:
            local = moment.astimezone(self.zone)
            if local.minute == 0:
                left = self._at(moment, first, last)
                ticks.append(f'<span class="tick" style="left:{left:.3f}%">{local:%H}</span>')
            moment += timedelta(minutes=30 if local.minute else 60)
        return (
            '<div class="row axis" aria-hidden="true"><div class="who"></div>'
            f'<div class="track">{"".join(ticks)}</div></div>'
        )

    def _now_mark(self, day: str, first: datetime, last: datetime) -> str:
        replan = self.rota.get("replan")
        if not replan:
            return ""
        now = datetime.fromisoformat(replan["now"])
        if not first <= now <= last:
            return ""
        return (
            f'<span class="now" style="left:{self._at(now, first, last):.3f}%" '
            f'title="replanned at {clock(replan["now"])}"></span>'
        )

    @staticmethod
    def _at(moment: datetime, first: datetime, last: datetime) -> float:
        """Where `moment` lies on the timeline, in percent (real elapsed time)."""
        span = (last - first).total_seconds()
        return 100 * (moment.astimezone(UTC) - first.astimezone(UTC)).total_seconds() / span

    def _row(
        self,
        key: str,
        name: str,
        delegation: str,
        blocks: list[_Block],
        first: datetime,
        last: datetime,
        now: str,
        css: str = "",
    ) -> str:
        lanes = _lanes(blocks)
        height = max(1, max(lanes, default=0) + 1)
        cells = []
        for block, lane in sorted(zip(blocks, lanes, strict=True), key=lambda bl: bl[0].start):
            cells.append(self._block(block, lane, first, last, key))
        free = "" if blocks or css else '<span class="free">free</span>'
        attribute = "data-row" if css else "data-attendee"
        small = f"<small>{_e(delegation)}</small>" if delegation else ""
        return (
            f'<div class="row {css}" {attribute}="{_e(key)}">'
            f'<div class="who">{_e(name)}{small}</div>'
            f'<div class="track" style="--lanes:{height}">{now}{free}{"".join(cells)}</div></div>'
        )

    def _block(self, block: _Block, lane: int, first: datetime, last: datetime, who: str) -> str:
        meeting = block.meeting
        issues = list(meeting.get("issues", []))
        colour = self.colours.get(issues[0], NO_ISSUE) if issues else NO_ISSUE
        left = self._at(block.start, first, last)
        width = max(0.4, self._at(block.end, first, last) - left)
        span = f"{clock(block.start.isoformat())}–{clock(block.end.isoformat())}"
        where = " · ".join(
            part
            for part in (meeting.get("room") or "", _access_short(meeting.get("access", "open")))
            if part
        )
        classes = ["block", block.state]
        if block.frozen:
            classes.append("frozen")
        label = f"{meeting['title']}, {span}" + (f", {where}" if where else "")
        if block.state == "uncovered":
            reason = self.reasons.get(meeting["id"], {}).get("message")
            label = f"UNCOVERED: {label}" + (f": {reason}" if reason else "")
        if block.note:
            label += f" ({block.note})"
        dots = "".join(
            f'<i style="background:{self.colours.get(i, NO_ISSUE)}"></i>' for i in issues[1:]
        )
        return (
            f'<button type="button" class="{" ".join(classes)}" '
            f'data-meeting="{_e(meeting["id"])}" data-attendee="{_e(who)}" '
            f'data-issues="{_e(" ".join(issues))}" data-note="{_e(block.note)}" '
            f'style="left:{left:.3f}%;width:{width:.3f}%;--lane:{lane};'
            f'--c:{colour};--bg:{_tint(colour)}" title="{_e(label)}" aria-label="{_e(label)}">'
            f'<span class="t"><bdi>{_e(meeting["title"])}</bdi></span>'
            f'<span class="m">{_e(span)}{" · " + _e(where) if where else ""}{dots}</span>'
            "</button>"
        )

    # --- data for the details -------------------------------------------------------------

    def _json(self) -> str:
        meetings: dict[str, Any] = {}
        for m in [*self.old_meetings.values(), *self.rota["meetings"]]:
            reason = self.reasons.get(m["id"], {})
            who = [
                {"name": self.names.get(a, a)}
                | ({"delegation": d} if (d := self.delegations.get(a)) else {})
                for a in m.get("attendees", [])
            ]
            meetings[m["id"]] = {
                "title": m["title"],
                "when": _when(m),
                "room": m.get("room"),
                "kind": m.get("kind"),
                "access": ACCESS_TEXT.get(m.get("access", "open"), m.get("access")),
                "delegations": m.get("delegations", []),
                "issues": [self.issues.get(i, i) for i in m.get("issues", [])],
                "weight": m.get("weight"),
                "seats": m.get("seats"),
                "status": m.get("status"),
                "who": who,
                "reason": reason.get("message"),
            }
        text = json.dumps({"meetings": meetings}, ensure_ascii=False, sort_keys=True)
        # Inside <script>: no "</script>", no "<!--"; also keep & out for old parsers.
        return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _when(meeting: dict[str, Any]) -> str:
    """'Thu 15 Nov 14:00–16:00', with the conference day when it began after midnight."""
    start = datetime.fromisoformat(meeting["start"])
    text = f"{start:%a} {start.day} {start:%b} {span(meeting, '–')}"
    day = date.fromisoformat(meeting["day"])
    if start.date() != day:
        text += f" (the night of {day:%a} {day.day} {day:%b})"
    return text


def _access_short(access: str) -> str:
    return {"member_states": "member states", "delegations": "delegations", "closed": "closed"}.get(
        access, ""
    )


def _lanes(blocks: list[_Block]) -> list[int]:
    """A lane for each block so that blocks in one lane do not overlap (first fit, by
    start); in `blocks`' order."""
    order = sorted(range(len(blocks)), key=lambda i: (blocks[i].start, blocks[i].end))
    ends: list[datetime] = []
    lanes = [0] * len(blocks)
    for i in order:
        block = blocks[i]
        for lane, end in enumerate(ends):
            if end <= block.start:
                ends[lane] = block.end
                lanes[i] = lane
                break
        else:
            lanes[i] = len(ends)
            ends.append(block.end)
    return lanes
