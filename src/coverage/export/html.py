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
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from typing import Any

from coverage.published import (
    ACCESS_TEXT,
    DayChanges,
    PublishedRota,
    Snapshot,
    day_text,
    long_day_text,
    plural,
    said_of,
)

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


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _tint(colour: str, white: float = 0.78) -> str:
    """`colour` mixed with white (a light background that dark text reads well on)."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * white) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


@dataclass
class _Block:
    """One block on a row: a meeting as assigned, newly assigned, changed, removed or
    uncovered, with the times it has on that row."""

    meeting: str
    title: str
    room: str | None
    issues: tuple[str, ...]
    access: str
    state: str  # "assigned", "new", "changed", "removed", "uncovered"
    start: datetime
    end: datetime
    frozen: bool = False
    note: str = ""


def render_html(rota: PublishedRota) -> str:
    """The page of a published rota; what changed since the previous version of each day
    (as the rota records it) is highlighted."""
    return _Page(rota).render()


class _Page:
    """One rendering of a published rota: the lookups every part of the page needs."""

    def __init__(self, rota: PublishedRota) -> None:
        self.rota = rota
        self.zone = rota.zone
        self.issues = rota.issue_names()
        self.colours = {i: PALETTE[n % len(PALETTE)] for n, i in enumerate(self.issues)}
        # Meetings shown only as removed (no longer in the rota): their details as seen.
        self.gone: dict[str, tuple[Snapshot, date]] = {}
        for changes in rota.changes:
            for person in changes.people:
                for item in person.removed:
                    if item.was is not None and not rota.has_meeting(item.meeting):
                        self.gone.setdefault(item.meeting, (item.was, changes.day))

    # --- the page ---------------------------------------------------------------------------

    def render(self) -> str:
        rota = self.rota
        title = f"Rota: {rota.conference}, {rota.days_text()}"
        sections = "\n".join(self._day(day) for day in rota.days)
        return (
            "<!doctype html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{self._header()}\n{self._my_day()}\n<main>\n{sections}\n</main>\n"
            '<dialog id="details" aria-labelledby="details-title">'
            '<form method="dialog"><button class="close" aria-label="Close">Close</button></form>'
            '<div class="details-body"></div></dialog>\n'
            f'<script type="application/json" id="rota-data">{self._json()}</script>\n'
            f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
        )

    def _header(self) -> str:
        rota = self.rota
        facts = [f"Rota for {rota.days_text()}"]
        if rota.version is not None:
            facts.append(f"version {rota.version}")
        replan = rota.replan
        if replan:
            facts.append(
                f"replanned at {rota.clock_on(replan.now, rota.days[0])} "
                f"from version {replan.based_on}"
            )
        if rota.run is not None:
            made = rota.local(rota.run.created_at)
            facts.append(f"made {made:%Y-%m-%d %H:%M} conference time")
        after = ""
        if replan:
            after = (
                f" The dashed line is {rota.clock(replan.now)}, when the rota was replanned: "
                "meetings before it had started and are kept as they were."
            )
        verdict = (
            f'<span class="verdict {"ok" if rota.optimal else "warn"}">{_e(rota.proof())}</span>'
        )
        buttons = ['<button type="button" data-issue="" aria-pressed="true">All issues</button>']
        for issue, name in self.issues.items():
            buttons.append(
                f'<button type="button" data-issue="{_e(issue)}" aria-pressed="false" '
                f'style="--c:{self.colours[issue]}"><i></i>{_e(name)}</button>'
            )
        return (
            f"<header>\n<h1>{_e(rota.conference)}</h1>\n"
            f'<p class="meta">{_e(" · ".join(facts))}</p>\n<p class="meta">{verdict}</p>\n'
            '<nav class="filter" aria-label="Show one issue" hidden>'
            + "".join(buttons)
            + "</nav>\n"
            '<p class="filter-note" hidden></p>\n'
            '<p class="hint">Tap a meeting for its details. Scroll sideways for the whole day.'
            f"{after}</p>\n</header>"
        )

    # --- my day ---------------------------------------------------------------------------------

    def _my_day(self) -> str:
        """A person picker, and for each person their meetings as a list in time order
        (room, issues, who else is there), shown instead of the timeline for the person
        the address names (`#person=<id>`). Hidden without JavaScript: the timeline shows
        everything then."""
        rota = self.rota
        options = ['<option value="">Everyone: the whole rota</option>']
        days = []
        for person in rota.attendees:
            label = person.name + (f" ({person.delegation})" if person.delegation else "")
            options.append(f'<option value="{_e(person.id)}">{_e(label)}</option>')
            items = []
            for item, meeting, others in rota.day_of(person.id):
                facts = [rota.when(item, "–")]
                if meeting.room:
                    facts.append(meeting.room)
                issues = ", ".join(self.issues.get(i, i) for i in meeting.issues)
                if issues:
                    facts.append(issues)
                with_whom = ", ".join(rota.name(a) for a in others)
                status = " (cancelled)" if meeting.status == "cancelled" else ""
                items.append(
                    f'<li data-start="{_e(item.start.isoformat())}" '
                    f'data-end="{_e(item.end.isoformat())}" data-meeting="{_e(meeting.id)}">'
                    f'<span class="t">{_e(meeting.title)}{_e(status)}</span>'
                    f'<span class="f">{_e(" · ".join(facts))}</span>'
                    f'<span class="w">{_e("with " + with_whom if with_whom else "alone")}</span>'
                    "</li>"
                )
            listing = (
                f'<ol class="mine">{"".join(items)}</ol>'
                if items
                else f'<p class="none">Nothing on the rota for {_e(person.name)} on '
                f"{_e(rota.days_text())}"
                + (
                    " (away)"
                    if all(rota.presence(person.id, d) == "away" for d in rota.days)
                    else ""
                )
                + ".</p>"
            )
            days.append(
                f'<section class="person-day" data-person="{_e(person.id)}" hidden>'
                f"<h2>{_e(person.name)}: {_e(rota.days_text())}</h2>"
                f"{self._away_note(person.id)}{listing}</section>"
            )
        return (
            '<section class="my-day" hidden>\n'
            '<label for="person-picker">My day: </label>'
            f'<select id="person-picker">{"".join(options)}</select>\n'
            + "\n".join(days)
            + '\n<p class="share">To send each person their own day, send this page\'s '
            "address with <code>#person=</code> and their id at the end (e.g. "
            "<code>rota.html#person=ana</code>); <code>rota links</code> prints them all.</p>"
            "\n</section>"
        )

    def _away_note(self, attendee: str) -> str:
        """'Away: 12:00–14:00' (with the day when the page has several) for a person's own
        day, so that the list of their meetings does not read as a free day."""
        rota = self.rota
        stretches = []
        for day in rota.days:
            for away in rota.away(attendee, day):
                span = rota.away_span(away, "–")
                stretches.append(span if len(rota.days) == 1 else f"{day_text(day)} {span}")
        if not stretches:
            return ""
        return f'<p class="away-note">Away: {_e("; ".join(stretches))}</p>'

    # --- one day ------------------------------------------------------------------------------

    def _day(self, day: date) -> str:
        rota = self.rota
        changes = rota.changes_on(day)
        rows, uncovered = self._blocks(day, changes)
        every = [b for blocks in rows.values() for b in blocks] + uncovered
        first, last = self._axis(day, every)
        summary = self._summary(day)
        hours = (last - first).total_seconds() / 3600
        parts = [
            f'<section class="day" data-day="{_e(day.isoformat())}">',
            f"<h2>{_e(long_day_text(day))}</h2>",
            f'<p class="summary">{_e(summary)}</p>',
            self._changes_list(day, changes),
            f'<div class="scroll"><div class="grid" style="--hours:{hours:.2f}">',
            self._axis_row(first, last),
        ]
        now = self._now_mark(first, last)
        parts.append(
            self._row(
                "uncovered",
                "Uncovered",
                f"{len(uncovered)} meetings",
                uncovered,
                first,
                last,
                now,
                day,
                css="uncovered",
            )
        )
        order = [p.id for p in rota.attendees]
        order += [who for who in rows if who not in order]
        for index, who in enumerate(order):
            if index and index % AXIS_EVERY == 0:
                parts.append(self._axis_row(first, last))
            delegation = rota.person(who).delegation if rota.has_person(who) else None
            parts.append(
                self._row(
                    who, rota.name(who), delegation or "", rows.get(who, []), first, last, now, day
                )
            )
        if len(order) > AXIS_EVERY // 2:
            parts.append(self._axis_row(first, last))
        parts.append("</div></div>\n</section>")
        return "\n".join(p for p in parts if p)

    def _blocks(
        self, day: date, changes: DayChanges | None
    ) -> tuple[dict[str, list[_Block]], list[_Block]]:
        """Each person's blocks of the day (assigned, new, changed, removed), and the
        uncovered meetings."""
        rota = self.rota
        added = {(c.attendee, m) for c in (changes.people if changes else ()) for m in c.added}
        changed = {
            (c.attendee, x.meeting): x
            for c in (changes.people if changes else ())
            for x in c.changed
        }
        rows: dict[str, list[_Block]] = {p.id: [] for p in rota.attendees}
        for a in rota.assignments_on(day):
            meeting = rota.meeting(a.meeting)
            key = (a.attendee, a.meeting)
            state, note = "assigned", ""
            if key in added:
                state, note = "new", "newly assigned in this version"
            elif key in changed:
                state = "changed"
                note = "changed in this version: " + _change_note(rota, changed[key], day)
            rows.setdefault(a.attendee, []).append(
                _Block(
                    meeting.id,
                    meeting.title,
                    meeting.room,
                    meeting.issues,
                    meeting.access,
                    state,
                    a.start,
                    a.end,
                    frozen=a.frozen,
                    note=note,
                )
            )
        for person in changes.people if changes else ():
            for item in person.removed:
                snap = item.was
                if snap is None:
                    continue
                issues = rota.meeting(item.meeting).issues if rota.has_meeting(item.meeting) else ()
                access = (
                    rota.meeting(item.meeting).access if rota.has_meeting(item.meeting) else "open"
                )
                rows.setdefault(person.attendee, []).append(
                    _Block(
                        item.meeting,
                        snap.title,
                        snap.room,
                        issues,
                        access,
                        "removed",
                        snap.start,
                        snap.end,
                        note="removed in this version: "
                        + said_of(item.why, rota.name(person.attendee)),
                    )
                )
        uncovered = [
            _Block(m.id, m.title, m.room, m.issues, m.access, "uncovered", m.start, m.end)
            for m in rota.meetings_on(day)
            if m.status == "uncovered"
        ]
        return rows, uncovered

    def _summary(self, day: date) -> str:
        """The day in one line: counts, uncovered, who is on duty, who is away."""
        rota = self.rota
        counts = rota.counts(day)
        on_duty = len({a.attendee for a in rota.assignments_on(day)})
        away = sum(1 for p in rota.attendees if rota.presence(p.id, day) == "away")
        return (
            f"{counts.text()} · {counts.uncovered} uncovered · "
            f"{on_duty} of {plural(len(rota.attendees), 'person', 'people')} on duty"
            + (f" · {away} away" if away else "")
        )

    def _changes_list(self, day: date, changes: DayChanges | None) -> str:
        if changes is None:
            return ""
        rota = self.rota
        if not changes.people:
            return f'<p class="changes none">No changes since version {_e(changes.since)}.</p>'
        items = []
        for change in changes.people:
            bits = []
            for meeting_id in change.added:
                m = rota.meeting(meeting_id)
                bits.append(f"<ins>+ <bdi>{_e(m.title)}</bdi> {_e(rota.span_in_day(m, '–'))}</ins>")
            for moved in change.changed:
                bits.append(
                    f"<ins>~ <bdi>{_e(moved.now.title)}</bdi> "
                    f"{_e(_change_note(rota, moved, day))}</ins>"
                )
            for item in change.removed:
                if item.was is not None:
                    title, when = item.was.title, rota.snapshot_span(item.was, day)
                elif rota.has_meeting(item.meeting):
                    title, when = rota.meeting(item.meeting).title, ""
                else:
                    title, when = item.meeting, ""
                bits.append(
                    f"<del>− <bdi>{_e(title)}</bdi> {_e(when.replace('-', '–'))}</del> "
                    f"({_e(said_of(item.why, rota.name(change.attendee)))})"
                )
            name = rota.name(change.attendee)
            items.append(f"<li><b><bdi>{_e(name)}</bdi></b>: {'; '.join(bits)}</li>")
        return (
            f'<details class="changes" open><summary>Changed since version {_e(changes.since)}: '
            f"{_e(plural(len(changes.people), 'person', 'people'))}</summary>"
            f"<ul>{''.join(items)}</ul></details>"
        )

    def _axis(self, day: date, blocks: list[_Block]) -> tuple[datetime, datetime]:
        """The timeline's start and end: the conference day's window, widened to whole
        hours around any block outside it."""
        window = self.rota.day_window
        first = datetime.combine(day, window.start, self.zone)
        end_day = day + timedelta(days=1) if window.end <= window.start else day
        last = datetime.combine(end_day, window.end, self.zone)
        for block in blocks:
            start, end = block.start.astimezone(self.zone), block.end.astimezone(self.zone)
            if start < first:
                first = start.replace(minute=0, second=0, microsecond=0)
            if end > last:
                rounded = end.replace(minute=0, second=0, microsecond=0)
                last = rounded if rounded == end else rounded + timedelta(hours=1)
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

    def _now_mark(self, first: datetime, last: datetime) -> str:
        replan = self.rota.replan
        if not replan:
            return ""
        now = replan.now
        if not first <= now <= last:
            return ""
        return (
            f'<span class="now" style="left:{self._at(now, first, last):.3f}%" '
            f'title="replanned at {_e(self.rota.clock_on(now, self.rota.days[0]))}"></span>'
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
        day: date,
        css: str = "",
    ) -> str:
        lanes = _lanes(blocks)
        height = max(1, max(lanes, default=0) + 1)
        cells = []
        for block, lane in sorted(zip(blocks, lanes, strict=True), key=lambda bl: bl[0].start):
            cells.append(self._block(block, lane, first, last, key))
        away = "" if css else self._away(key, day, first, last)
        label = ""
        if not blocks and not css:
            presence = self.rota.presence(key, day)
            label = f'<span class="free">{"away" if presence == "away" else "free"}</span>'
        attribute = "data-row" if css else "data-attendee"
        small = f"<small>{_e(delegation)}</small>" if delegation else ""
        return (
            f'<div class="row {css}" {attribute}="{_e(key)}">'
            f'<div class="who">{_e(name)}{small}</div>'
            f'<div class="track" style="--lanes:{height}">{now}{away}{label}{"".join(cells)}'
            "</div></div>"
        )

    def _away(self, attendee: str, day: date, first: datetime, last: datetime) -> str:
        """A grey band for each stretch of the day the person is away."""
        bands = []
        for away in self.rota.away(attendee, day):
            left = max(0.0, self._at(away.start, first, last))
            right = min(100.0, self._at(away.end, first, last))
            what = f"away {self.rota.span(away)}"
            bands.append(
                f'<span class="away" style="left:{left:.3f}%;width:{right - left:.3f}%" '
                f'title="{_e(what)}" aria-label="{_e(what)}"></span>'
            )
        return "".join(bands)

    def _block(self, block: _Block, lane: int, first: datetime, last: datetime, who: str) -> str:
        issues = list(block.issues)
        colour = self.colours.get(issues[0], NO_ISSUE) if issues else NO_ISSUE
        left = self._at(block.start, first, last)
        width = max(0.4, self._at(block.end, first, last) - left)
        span = f"{self.rota.clock(block.start)}–{self.rota.clock(block.end)}"
        where = " · ".join(part for part in (block.room or "", _access_short(block.access)) if part)
        classes = ["block", block.state]
        if block.frozen:
            classes.append("frozen")
        label = f"{block.title}, {span}" + (f", {where}" if where else "")
        if block.state == "uncovered":
            reason = self.rota.why_uncovered(block.meeting)
            label = f"UNCOVERED: {label}" + (f": {reason.label}" if reason else "")
        if block.note:
            label += f" ({block.note})"
        dots = "".join(
            f'<i style="background:{self.colours.get(i, NO_ISSUE)}"></i>' for i in issues[1:]
        )
        return (
            f'<button type="button" class="{" ".join(classes)}" '
            f'data-meeting="{_e(block.meeting)}" data-attendee="{_e(who)}" '
            f'data-issues="{_e(" ".join(issues))}" data-note="{_e(block.note)}" '
            f'style="left:{left:.3f}%;width:{width:.3f}%;--lane:{lane};'
            f'--c:{colour};--bg:{_tint(colour)}" title="{_e(label)}" aria-label="{_e(label)}">'
            f'<span class="t"><bdi>{_e(block.title)}</bdi></span>'
            f'<span class="m">{_e(span)}{" · " + _e(where) if where else ""}{dots}</span>'
            "</button>"
        )

    # --- data for the details -------------------------------------------------------------

    def _json(self) -> str:
        rota = self.rota
        meetings: dict[str, Any] = {}
        for meeting_id, (snap, day) in self.gone.items():
            meetings[meeting_id] = {
                "title": snap.title,
                "when": f"{day_text(day)} {rota.snapshot_span(snap, day).replace('-', '–')}",
                "room": snap.room,
                "kind": None,
                "access": "",
                "delegations": [],
                "issues": [],
                "weight": None,
                "seats": None,
                "status": "removed",
                "who": [],
                "reason": None,
            }
        for m in rota.meetings:
            reason = rota.why_uncovered(m.id)
            who = []
            for a in m.attendees:
                entry = {"name": rota.name(a)}
                delegation = rota.person(a).delegation if rota.has_person(a) else None
                if delegation:
                    entry["delegation"] = delegation
                who.append(entry)
            meetings[m.id] = {
                "title": m.title,
                "when": rota.when(m, "–"),
                "room": m.room,
                "kind": m.kind,
                "access": ACCESS_TEXT.get(m.access, m.access),
                "delegations": list(m.delegations),
                "issues": [self.issues.get(i, i) for i in m.issues],
                "weight": m.weight,
                "seats": m.seats,
                "status": m.status,
                "who": who,
                "reason": f"{reason.label}: {reason.message}" if reason else None,
            }
        text = json.dumps({"meetings": meetings}, ensure_ascii=False, sort_keys=True)
        # Inside <script>: no "</script>", no "<!--"; also keep & out for old parsers.
        return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _change_note(rota: PublishedRota, change: Any, day: date) -> str:
    """'moved 16:30–17:30 → 17:00–18:00; room B → C'."""
    was, now = change.was, change.now
    parts = []
    if "time" in change.what:
        parts.append(
            f"moved {rota.snapshot_span(was, day)} → {rota.snapshot_span(now, day)}".replace(
                "-", "–"
            )
        )
    if "room" in change.what:
        parts.append(f"room {was.room or '(none)'} → {now.room or '(none)'}")
    if "title" in change.what:
        parts.append(f"renamed from {was.title}")
    if "status" in change.what:
        parts.append(f"now {now.status}")
    return "; ".join(parts)


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
