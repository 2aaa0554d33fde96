"""The day's rota as plain text for the group chat: per issue (or per person) the meetings
with time, room and who covers them, the uncovered ones flagged. Short names, no contact
details, and split into parts that fit in one chat message each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from coverage.export.common import isolated, printable
from coverage.published import Person, PublishedRota, RotaMeeting, day_text, names_text

UNCOVERED = "⚠"
MAX_MESSAGE = 4000  # characters: under Telegram's 4096, far under WhatsApp's limit

ACCESS_TAG = {"member_states": "member states", "delegations": "delegations", "closed": "closed"}


def title_text(title: str) -> str:
    """A title on one line; right-to-left text isolated (U+2068 ... U+2069) so that it does
    not carry the times and names around it along in a chat app."""
    return isolated(title)


def short_names(attendees: Sequence[Person]) -> dict[str, str]:
    """A short name per attendee: the first name when no one else has it, else the first
    name and the initial of the last, else the full name."""
    names = {a.id: printable(a.name) or a.id for a in attendees}
    first = {key: name.split()[0] for key, name in names.items()}
    counts = Counter(first.values())
    initialled = {}
    for key, name in names.items():
        parts = name.split()
        initialled[key] = f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else first[key]
    counts_initialled = Counter(initialled[a] for a in first if counts[first[a]] > 1)
    short = {}
    for key in names:
        if counts[first[key]] == 1:
            short[key] = first[key]
        elif counts_initialled[initialled[key]] == 1:
            short[key] = initialled[key]
        else:
            short[key] = names[key]
    return short


def render_digest(
    rota: PublishedRota, day: date, by: str = "issue", issue: str | None = None
) -> list[str]:
    """The digest of `day` in a published rota, by "issue" or "person" (only the meetings
    on `issue` when given), as one or more messages of at most MAX_MESSAGE characters."""
    if by not in ("issue", "person"):
        raise ValueError(f"by must be 'issue' or 'person', not {by!r}")
    meetings = [m for m in rota.meetings_on(day) if issue is None or issue in m.issues]
    names = short_names(rota.attendees)
    header = _header(rota, day, issue)
    sections = (
        _by_issue(rota, meetings, names, issue)
        if by == "issue"
        else _by_person(rota, day, meetings, names)
    )
    cancelled = [
        f"{rota.span_in_day(m)} {title_text(m.title)}" for m in meetings if m.status == "cancelled"
    ]
    if cancelled:
        sections.append("Cancelled: " + "; ".join(cancelled))
    return _split([header, *sections])


def render_person_digest(rota: PublishedRota, day: date, attendee: str) -> list[str]:
    """One person's day, for a direct message: their meetings in time order with room,
    access and who else is there, and when they are away."""
    names = short_names(rota.attendees)
    person = rota.person(attendee)
    title = f"{printable(rota.conference)}: your day, {day_text(day)}{_version_note(rota)}"
    theirs = _person_lines(rota, attendee, day, names)
    lines = [title, f"■ {printable(person.name)}", *theirs]
    if not theirs:
        lines.append("Nothing on the rota for you that day.")
    away = rota.away(attendee, day)
    if away:
        lines.append("Away: " + ", ".join(rota.span(a) for a in away))
    return _split(["\n".join(lines)])


def _version_note(rota: PublishedRota) -> str:
    """' (version 2, replanned at 14:00)', or '' before publication."""
    if rota.version is None:
        return ""
    replanned = (
        f", replanned at {rota.clock_on(rota.replan.now, rota.days[0])}" if rota.replan else ""
    )
    return f" (version {rota.version}{replanned})"


def _person_lines(
    rota: PublishedRota,
    attendee: str,
    day: date,
    names: dict[str, str],
    shown: set[str] | None = None,
) -> list[str]:
    """A line for each of the person's meetings that day (of `shown`, when given), with
    whom they share it."""
    lines = []
    for item in rota.assignments_of(attendee, day):
        if shown is not None and item.meeting not in shown:
            continue
        meeting = rota.meeting(item.meeting)
        others = [names.get(a, a) for a in meeting.attendees if a != attendee]
        seen = meeting.model_copy(update={"start": item.start, "end": item.end})
        line = _line(rota, seen, names, who=False)
        lines.append(line + (f" with {', '.join(others)}" if others else ""))
    return lines


def _header(rota: PublishedRota, day: date, issue: str | None) -> str:
    title = f"{printable(rota.conference)}: rota for {day_text(day)}{_version_note(rota)}"
    if issue is not None:
        title += f", {printable(rota.issue_names().get(issue, issue))} only"
    counts = rota.counts(day, issue)
    text = counts.text()
    if counts.uncovered:
        text += f", {UNCOVERED} {counts.uncovered} uncovered"
    if not rota.optimal:
        text += " (not proven best)"
    return f"{title}\n{text}"


def _line(
    rota: PublishedRota,
    meeting: RotaMeeting,
    names: dict[str, str],
    who: bool = True,
    also: list[str] | None = None,
) -> str:
    tags = [printable(meeting.room or ""), ACCESS_TAG.get(meeting.access, "")]
    extras = [part for part in tags if part]
    where = f" ({', '.join(extras)})" if extras else ""
    text = f"{rota.span_in_day(meeting)} {title_text(meeting.title)}{where}"
    if also:
        text += f" [+{', '.join(also)}]"
    if meeting.status == "uncovered":
        reason = rota.why_uncovered(meeting.id)
        because = f", {reason.label}" if reason else ""
        return f"{UNCOVERED} {text}: UNCOVERED{because}"
    if who:
        text += ": " + ", ".join(names.get(a, a) for a in meeting.attendees)
    return text


def _by_issue(
    rota: PublishedRota,
    meetings: list[RotaMeeting],
    names: dict[str, str],
    only: str | None,
) -> list[str]:
    """A section per issue. Each meeting appears once, under its first (main) issue, with
    its other issues named; with `only`, every meeting on that issue, main or not."""
    live = [m for m in meetings if m.held]
    sections = []
    for issue, name in rota.issue_names().items():
        if only is not None and issue != only:
            continue
        if only is None:
            theirs = [m for m in live if m.issues and m.issues[0] == issue]
        else:
            theirs = [m for m in live if issue in m.issues]
        if not theirs:
            continue
        lines = [f"■ {printable(name)}"]
        for m in theirs:
            also = [i for i in m.issues if i != issue]
            lines.append(_line(rota, m, names, also=also))
        sections.append("\n".join(lines))
    if only is None:
        others = [m for m in live if not m.issues]
        if others:
            lines = ["■ Other meetings"] + [_line(rota, m, names) for m in others]
            sections.append("\n".join(lines))
    return sections


def _by_person(
    rota: PublishedRota,
    day: date,
    meetings: list[RotaMeeting],
    names: dict[str, str],
) -> list[str]:
    shown = {m.id for m in meetings}
    sections = []
    for person in rota.attendees:
        theirs = _person_lines(rota, person.id, day, names, shown)
        if theirs:
            sections.append("\n".join([f"■ {names[person.id]}", *theirs]))
    uncovered = [m for m in meetings if m.status == "uncovered"]
    if uncovered:
        lines = [f"{UNCOVERED} Uncovered ({len(uncovered)})"]
        lines += [_line(rota, m, names) for m in uncovered]
        sections.append("\n".join(lines))
    presence = {p.id: rota.presence(p.id, day) for p in rota.attendees}
    free = [p.id for p in rota.attendees if presence[p.id] == "free"]
    partly = [who for who in free if rota.away(who, day)]
    away = [names[p.id] for p in rota.attendees if presence[p.id] == "away"]
    if len(free) > len(partly):
        sections.append(
            "Free all day: " + ", ".join(names[who] for who in free if who not in partly)
        )
    if partly:
        sections.append(
            "Free, away part of the day: "
            + ", ".join(names[who] + _away_note(rota, who, day) for who in partly)
        )
    if away:
        sections.append(f"Away all day: {names_text(away)}")
    return sections


def _away_note(rota: PublishedRota, attendee: str, day: date) -> str:
    away = rota.away(attendee, day)
    return f" (away {', '.join(rota.span(a) for a in away)})" if away else ""


def _split(sections: list[str]) -> list[str]:
    """Sections joined by blank lines into messages of at most MAX_MESSAGE characters. A
    section that does not fit in what is left of a message goes on to the next; one too
    long for any message is cut at line ends, its heading repeated."""
    messages: list[str] = []
    current = ""

    def add(text: str, gap: str) -> bool:
        nonlocal current
        candidate = f"{current}{gap}{text}" if current else text
        if len(candidate) > MAX_MESSAGE:
            return False
        current = candidate
        return True

    for section in sections:
        if add(section, "\n\n"):
            continue
        if len(section) <= MAX_MESSAGE:
            messages.append(current)
            current = section
            continue
        heading, *lines = section.split("\n")
        if not add(heading, "\n\n"):
            messages.append(current)
            current = heading
        for line in lines:
            line = line[: MAX_MESSAGE - len(heading) - 20]
            if not add(line, "\n"):
                messages.append(current)
                current = f"{heading} (continued)\n{line}"
    if current:
        messages.append(current)
    return messages
