"""What a replan tells people: one message per person whose day changed, one summary for
the group chat, and the same changes as `rota diff` prints them. Names only, no contact
details; times in conference time, after midnight read as the night of the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coverage.published import (
    ACTIONABLE,
    Assignment,
    Away,
    Changed,
    PersonChange,
    PublishedRota,
    Removed,
    Snapshot,
    day_text,
    plural,
    said_of,
)

MESSAGES_TXT = "messages.txt"


@dataclass(frozen=True)
class Messages:
    """Ready-to-send plain text: per attendee id, and for the group chat."""

    personal: dict[str, str]
    group: str


def _where(room: str | None) -> str:
    return f", {room}" if room else ""


def describe(rota: PublishedRota, meeting_id: str, day: date) -> str:
    """'Title, 16:30-17:30, Room B' as the rota shows the meeting."""
    meeting = rota.meeting(meeting_id)
    return f"{meeting.title}, {rota.span_in_day(meeting)}{_where(meeting.room)}"


def describe_snapshot(
    rota: PublishedRota, snap: Snapshot | None, meeting_id: str, day: date
) -> str:
    """A meeting as someone saw it before (their old time and room)."""
    if snap is None:
        if rota.has_meeting(meeting_id):
            return describe(rota, meeting_id, day)
        return meeting_id
    return f"{snap.title}, {rota.snapshot_span(snap, day)}{_where(snap.room)}"


def change_text(rota: PublishedRota, change: Changed, day: date) -> str:
    """'Committee 5, 17:00-18:00, Room C: moved 16:30-17:30 -> 17:00-18:00; room Room B ->
    Room C'."""
    was, now = change.was, change.now
    parts = []
    if "time" in change.what:
        parts.append(f"moved {rota.snapshot_span(was, day)} -> {rota.snapshot_span(now, day)}")
    if "room" in change.what:
        parts.append(f"room {was.room or '(none)'} -> {now.room or '(none)'}")
    if "title" in change.what:
        parts.append(f"renamed from {was.title}")
    if "status" in change.what:
        parts.append(f"now {now.status} (was {was.status})")
    head = f"{now.title}, {rota.snapshot_span(now, day)}{_where(now.room)}"
    return f"{head}: {'; '.join(parts)}"


def removed_text(rota: PublishedRota, item: Removed, day: date, of: str | None = None) -> str:
    """'Plenary, 14:00-15:00, Hall A: the meeting was cancelled'; the reason as told to the
    person, or, with `of` (their attendee id), as said of them to others."""
    why = item.why if of is None else said_of(item.why, rota.name(of))
    return f"{describe_snapshot(rota, item.was, item.meeting, day)}: {why}"


def with_whom(rota: PublishedRota, meeting_id: str, attendee: str) -> str:
    others = [rota.name(a) for a in rota.meeting(meeting_id).attendees if a != attendee]
    return f" with {', '.join(others)}" if others else " (on your own)"


def render_messages(rota: PublishedRota) -> Messages:
    """The messages of a replanned rota: one per person whose day changed (what was added,
    with whom; what was removed, with its old time and why; what moved or changed room;
    their day now) and a summary for the group chat."""
    if rota.replan is None:
        return Messages({}, "")
    day = rota.days[0]
    replan = rota.replan
    at = rota.clock_on(replan.now, day)
    version = f"version {rota.version} of {day_text(day)}" if rota.version else day_text(day)
    personal: dict[str, str] = {}
    for change in replan.changes:
        lines = [
            f"Hi {rota.name(change.attendee)}, your rota for {day_text(day)} changed "
            f"({version}, replanned at {at}):"
        ]
        lines += person_lines(rota, change, day, personal=True)
        mine = rota.assignments_of(change.attendee, day)
        # A meeting that had started stays on their day; said so when they are away then.
        gone = {a.meeting: w for a, w in rota.away_during(day) if a.attendee == change.attendee}
        if mine:
            items = []
            for held in mine:
                text = describe(rota, held.meeting, day)
                if held.meeting in gone:
                    text += f" (you are {away_words(rota, gone[held.meeting])})"
                items.append(text)
            lines.append("Your day now: " + "; ".join(items))
        else:
            lines.append("You have no meetings now.")
        personal[change.attendee] = "\n".join(lines)

    counts = rota.counts(day)
    when = at if replan.now_given else f"{at} (the time of the run)"
    summary = [
        f"Rota update for {day_text(day)} ({version}, replanned at {when} conference time): "
        f"{plural(len(replan.changes), 'person', 'people')} affected, {counts.text()}."
    ]
    for change in replan.changes:
        name = rota.name(change.attendee)
        for meeting_id in change.added:
            meeting = rota.meeting(meeting_id)
            summary.append(f"+ {name} -> {meeting.title} {rota.span_in_day(meeting)}")
        for changed in change.changed:
            summary.append(f"~ {name}: {change_text(rota, changed, day)}")
        for item in change.removed:
            summary.append(f"- {name} off {describe_snapshot(rota, item.was, item.meeting, day)}")
    # What the group can still act on: not closed, not over by the time of the replan.
    actionable = [
        u
        for u in rota.uncovered
        if u.reason in ACTIONABLE and rota.meeting(u.meeting).end > replan.now
    ]
    if actionable:
        summary.append("Still uncovered:")
        for reason in actionable:
            meeting = rota.meeting(reason.meeting)
            summary.append(f"! {meeting.title} {rota.span_in_day(meeting)}: {reason.label}")
    # The rest of the day's uncovered meetings, counted, so that the numbers add up.
    rest = counts.uncovered - len(actionable)
    if rest > 0:
        summary.append(
            f"({'and ' if actionable else ''}{plural(rest, 'uncovered meeting')} no one can "
            "go to now: over, closed, or started with no one there)"
        )
    # A meeting cancelled once it had started is kept as published (someone is in the
    # room): the group is told, so that they are told too.
    stopped = [
        m
        for m in rota.meetings_on(day)
        if m.meeting_status == "cancelled" and m.attendees and m.end > replan.now
    ]
    if stopped:
        summary.append("Cancelled after it started (tell who is there):")
        summary += [
            f"! {m.title} {rota.span_in_day(m)}: {', '.join(rota.name(a) for a in m.attendees)}"
            for m in stopped
        ]
    leaving = [
        (assignment, away)
        for assignment, away in rota.away_during(day)
        if assignment.end > replan.now
    ]
    if leaving:
        summary.append("Away during a meeting they are on (it had started: check who is there):")
        summary += [f"! {away_text(rota, assignment, away, day)}" for assignment, away in leaving]
    return Messages(personal, "\n".join(summary))


def away_words(rota: PublishedRota, away: Away) -> str:
    """'away 12:00-14:00', 'away all day', or 'away from 01:00' (see `away_span`)."""
    return f"away {rota.away_span(away)}"


def away_text(rota: PublishedRota, assignment: Assignment, away: Away, day: date) -> str:
    """'Ana leaves Meeting a 10:00-12:00 at 11:00 (away 11:00-18:00): no one else is on it
    then', or 'Ana, on ..., is away 09:00-18:00'."""
    meeting = rota.meeting(assignment.meeting)
    name = rota.name(assignment.attendee)
    span = away_words(rota, away)
    head = f"{meeting.title} {rota.span_in_day(assignment)}"
    if away.start > assignment.start:
        text = f"{name} leaves {head} at {rota.clock_on(away.start, day)} ({span})"
    else:
        text = f"{name}, on {head}, is {span}"
    others = [a for a in meeting.attendees if a != assignment.attendee]
    return text + (": no one else is on it then" if not others else "")


def person_lines(
    rota: PublishedRota, change: PersonChange, day: date, personal: bool = False
) -> list[str]:
    """One line per change of one person: + added, ~ changed, - removed."""
    lines = []
    for meeting_id in change.added:
        company = with_whom(rota, meeting_id, change.attendee) if personal else ""
        lines.append(f"+ ADDED: {describe(rota, meeting_id, day)}{company}")
    for changed in change.changed:
        lines.append(f"~ CHANGED: {change_text(rota, changed, day)}")
    for item in change.removed:
        lines.append(f"- REMOVED: {removed_text(rota, item, day)}")
    return lines


def messages_text(rota: PublishedRota) -> str:
    """The messages as one file: a section per person, then the group chat's."""
    messages = render_messages(rota)
    parts = [f"== To {rota.name(who)} ==\n{text}\n" for who, text in messages.personal.items()]
    return "\n".join([*parts, f"== To the group chat ==\n{messages.group}\n"])


def messages_file(rota: PublishedRota) -> dict[str, str]:
    """`messages.txt` for a replanned version."""
    return {MESSAGES_TXT: messages_text(rota)}


def diff_text(
    old: PublishedRota, new: PublishedRota, day: date, changes: tuple[PersonChange, ...]
) -> str:
    """Per person what changed on `day` between two versions, as `rota diff` prints it."""
    if not changes:
        return f"no changes on {day} between version {old.version} and version {new.version}"
    lines = [
        f"{day_text(day)}: version {old.version} -> version {new.version}, "
        f"{plural(len(changes), 'person', 'people')} affected"
    ]
    for change in changes:
        lines.append(f"{new.name(change.attendee)}:")
        for meeting_id in change.added:
            lines.append(f"  + {_line(new, meeting_id)}")
        for changed in change.changed:
            lines.append(f"  ~ {change_text(new, changed, day)}")
        for item in change.removed:
            lines.append(f"  - {removed_text(new, item, day, of=change.attendee)}")
        for meeting_id in change.unchanged:
            lines.append(f"  = {_line(new, meeting_id)}")
    return "\n".join(lines)


def _line(rota: PublishedRota, meeting_id: str) -> str:
    meeting = rota.meeting(meeting_id)
    return f"{rota.span_in_day(meeting)} {meeting.title}{_where(meeting.room)}"


def history_line(number: int, rota: PublishedRota, folder: str) -> str:
    """One version as `rota history` lists it: when, why, the first scores, the replan."""
    run = rota.run
    made = f"{rota.local(run.created_at):%Y-%m-%d %H:%M}" if run else "?"
    reason = run.reason if run else "?"
    scores = ", ".join(
        f"{s.tier} {s.value}{'' if s.optimal else ' (not proven)'}" for s in rota.scores[:3]
    )
    replan = rota.replan
    note = ""
    if replan is not None:
        note = (
            f", replanned at {rota.clock_on(replan.now, rota.days[0])} "
            f"from version {replan.based_on}: "
            f"{replan.people_affected} person(s) told"
        )
    return f"version {number}  {made} ({rota.timezone})  {reason:<7} {scores}{note}  {folder}"
