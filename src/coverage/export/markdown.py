"""The rota as Markdown, for people who read it in a chat or a repository.

Every text from the workspace is escaped: HTML is shown as text, and the characters that
would start a link, an image, emphasis or a new table cell are backslash-escaped, so a
title can neither run code in a Markdown viewer nor break a table row."""

from __future__ import annotations

import html
import re

from coverage.published import PublishedRota, day_text, long_day_text

# What could start code, emphasis, a link or an image, strike text or end a table cell
# (HTML is escaped separately; `!` and `(` only act after `[` or `]`, escaped here).
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\v\f]+")


# What GitHub-style Markdown turns into a link by itself (its autolinks): `scheme://`,
# `www.` and an e-mail address; a backslash before the `:`, the `.` or the `@` keeps each
# text.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<![\w.])(www)(\.)|(@)")


def _no_autolink(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\:"
    if match.group(2):
        return f"{match.group(2)}\\."
    return "\\@"


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell or list item: one line, HTML escaped,
    Markdown punctuation escaped, nothing an autolink would make a link of."""
    value = _BREAKS.sub(" ", "" if text is None else str(text))
    escaped = _MARKDOWN.sub(r"\\\1", html.escape(value, quote=False))
    return _AUTOLINK.sub(_no_autolink, escaped)


def render_markdown(rota: PublishedRota) -> str:
    """The rota as a Markdown document: scores, one table per day, uncovered meetings with
    their reasons, and each person's day. Carries names only, no contact details."""
    title = f"# Rota: {cell(rota.conference)}, {rota.days_text()}"
    lines = [title, ""]
    if rota.run is not None:
        made = rota.local(rota.run.created_at)
        lines += [
            f"Version {rota.run.version}, made {made:%Y-%m-%d %H:%M} conference time "
            f"({rota.timezone}).",
            "",
        ]
    if rota.replan is not None:
        lines += [
            f"Replanned at {rota.clock(rota.replan.now)} from version {rota.replan.based_on}: "
            "meetings that had started are kept as they were.",
            "",
        ]
    lines += [f"Solver: {rota.proof()}; seed {rota.solver.seed}.", ""]
    lines += [
        "Scores are for the whole of the planned days (in a replan, the part that had "
        "started included).",
        "",
    ]
    lines += ["| tier | value | bound | proven |", "|---|---:|---:|---|"]
    for score in rota.scores:
        proven = "yes" if score.optimal else "no"
        lines.append(f"| {score.tier} | {score.value} | {score.bound_text} | {proven} |")
    lines.append("")

    for day in rota.days:
        counts = rota.counts(day)
        lines += [f"## {long_day_text(day)}", "", f"{counts.text()}.", ""]
        lines += ["| time | meeting | room | issues | who |", "|---|---|---|---|---|"]
        for meeting in rota.meetings_on(day):
            who = ", ".join(cell(rota.name(a)) for a in meeting.attendees)
            if meeting.status == "cancelled":
                who = "(cancelled)"
            elif not who:
                reason = rota.why_uncovered(meeting.id)
                who = "**UNCOVERED**" + (f": {cell(reason.label)}" if reason else "")
            lines.append(
                f"| {cell(rota.span_in_day(meeting))} | {cell(meeting.title)} | "
                f"{cell(meeting.room)} | {cell(', '.join(meeting.issues))} | {who} |"
            )
        lines.append("")
        missing = [m for m in rota.meetings_on(day) if rota.why_uncovered(m.id)]
        if missing:
            lines += ["### Uncovered", ""]
            for meeting in missing:
                reason = rota.why_uncovered(meeting.id)
                assert reason is not None
                lines.append(
                    f"- {cell(rota.span_in_day(meeting))} {cell(meeting.title)} "
                    f"(weight {meeting.weight}): {cell(reason.label)}: {cell(reason.message)}"
                )
            lines.append("")

    lines += ["## Who goes where", ""]
    single = len(rota.days) == 1
    for person in rota.attendees:
        parts = []
        for day in rota.days:
            taken = rota.assignments_of(person.id, day)
            label = "" if single else f"{day_text(day)}: "
            if rota.presence(person.id, day) == "away":
                parts.append(f"{label}away")
            elif taken:
                parts.append(label + "; ".join(_taken(rota, a.meeting, a) for a in taken))
            elif single:
                away = rota.away(person.id, day)
                note = " (away " + ", ".join(rota.span(a) for a in away) + ")" if away else ""
                parts.append(f"free{note}")
        liked = rota.preferences_text(person.id)
        liked = f" ({cell(liked)})" if liked else ""
        lines.append(
            f"- **{cell(person.name)}**: " + (" / ".join(parts) or "free every day") + liked
        )
    lines.append("")
    return "\n".join(lines)


def _taken(rota: PublishedRota, meeting_id: str, item: object) -> str:
    meeting = rota.meeting(meeting_id)
    room = f" ({cell(meeting.room)})" if meeting.room else ""
    when = rota.span_in_day(item)  # type: ignore[arg-type]
    return f"{cell(when)} {cell(meeting.title)}{room}"
