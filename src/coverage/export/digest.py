"""The day's rota as plain text for the group chat: per issue (or per person) the meetings
with time, room and who covers them, the uncovered ones flagged. Short names, no contact
details, and split into parts that fit in one chat message each."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import date, datetime
from typing import Any

from coverage.export.common import issue_names, span

UNCOVERED = "⚠"
MAX_MESSAGE = 4000  # characters: under Telegram's 4096, far under WhatsApp's limit

SHORT_REASON = {
    "closed": "closed to us",
    "no_access": "no one admitted",
    "no_expertise": "no one with the expertise",
    "not_available": "no one available",
    "committed_elsewhere": "everyone busy elsewhere",
    "rule_conflict": "rest/duty rules",
    "time_limit": "solver out of time",
    "already_started": "already started",
}

ACCESS_TAG = {"member_states": "member states", "delegations": "delegations", "closed": "closed"}


def title_text(title: str) -> str:
    """A title on one line; right-to-left text isolated (U+2068 ... U+2069) so that it does
    not carry the times and names around it along in a chat app."""
    text = re.sub(r"\s+", " ", title).strip()
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        text = f"\u2068{text}\u2069"
    return text


def short_names(attendees: list[dict[str, Any]]) -> dict[str, str]:
    """A short name per attendee: the first name when no one else has it, else the first
    name and the initial of the last, else the full name."""
    first = {a["id"]: a["name"].split()[0] if a["name"].split() else a["id"] for a in attendees}
    counts = Counter(first.values())
    initialled = {}
    for a in attendees:
        parts = a["name"].split()
        initialled[a["id"]] = f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else first[a["id"]]
    counts_initialled = Counter(initialled[a] for a in first if counts[first[a]] > 1)
    names = {}
    for a in attendees:
        key = a["id"]
        if counts[first[key]] == 1:
            names[key] = first[key]
        elif counts_initialled[initialled[key]] == 1:
            names[key] = initialled[key]
        else:
            names[key] = a["name"]
    return names


def render_digest(
    rota: dict[str, Any], day: str, by: str = "issue", issue: str | None = None
) -> list[str]:
    """The digest of `day` in a published rota (its JSON data), by "issue" or "person"
    (only the meetings on `issue` when given), as one or more messages of at most
    MAX_MESSAGE characters each."""
    if by not in ("issue", "person"):
        raise ValueError(f"by must be 'issue' or 'person', not {by!r}")
    meetings = [
        m for m in rota["meetings"] if m["day"] == day and (issue is None or issue in m["issues"])
    ]
    names = short_names(rota["attendees"])
    reasons = {u["meeting"]: u for u in rota.get("uncovered", [])}
    header = _header(rota, day, meetings, issue)
    sections = (
        _by_issue(rota, meetings, names, reasons, issue)
        if by == "issue"
        else _by_person(rota, day, meetings, names, reasons)
    )
    cancelled = [
        f"{span(m)} {title_text(m['title'])}" for m in meetings if m["status"] == "cancelled"
    ]
    if cancelled:
        sections.append("Cancelled: " + "; ".join(cancelled))
    return _split([header, *sections])


def _header(
    rota: dict[str, Any], day: str, meetings: list[dict[str, Any]], issue: str | None
) -> str:
    the_day = date.fromisoformat(day)
    version = rota.get("run", {}).get("version")
    title = f"{rota['conference']}: rota for {the_day:%a} {the_day.day} {the_day:%b}"
    if version is not None:
        title += f" (v{version}"
        replan = rota.get("replan")
        if replan:
            title += f", updated {datetime.fromisoformat(replan['now']):%H:%M}"
        title += ")"
    if issue is not None:
        title += f", {issue_names(rota).get(issue, issue)} only"
    live = [m for m in meetings if m["status"] != "cancelled"]
    covered = sum(1 for m in live if m["status"] == "covered")
    counts = f"{covered}/{len(live)} meetings covered"
    missing = len(live) - covered
    if missing:
        counts += f", {UNCOVERED} {missing} uncovered"
    if rota["solver"]["status"] != "OPTIMAL":
        counts += " (not proven best)"
    return f"{title}\n{counts}"


def _line(
    meeting: dict[str, Any],
    names: dict[str, str],
    reasons: dict[str, dict[str, Any]],
    who: bool = True,
    also: list[str] | None = None,
) -> str:
    extras = [part for part in (meeting.get("room"), ACCESS_TAG.get(meeting["access"])) if part]
    where = f" ({', '.join(extras)})" if extras else ""
    text = f"{span(meeting)} {title_text(meeting['title'])}{where}"
    if also:
        text += f" [+{', '.join(also)}]"
    if meeting["status"] == "uncovered":
        reason = reasons.get(meeting["id"], {}).get("reason", "")
        because = SHORT_REASON.get(reason, reason)
        return f"{UNCOVERED} {text}: UNCOVERED" + (f", {because}" if because else "")
    if who:
        text += ": " + ", ".join(names.get(a, a) for a in meeting["attendees"])
    return text


def _by_issue(
    rota: dict[str, Any],
    meetings: list[dict[str, Any]],
    names: dict[str, str],
    reasons: dict[str, dict[str, Any]],
    only: str | None,
) -> list[str]:
    """A section per issue. Each meeting appears once, under its first (main) issue, with
    its other issues named; with `only`, every meeting on that issue, main or not."""
    issues = issue_names(rota)
    live = [m for m in meetings if m["status"] != "cancelled"]
    sections = []
    for issue, name in issues.items():
        if only is not None and issue != only:
            continue
        if only is None:
            theirs = [m for m in live if m["issues"] and m["issues"][0] == issue]
        else:
            theirs = [m for m in live if issue in m["issues"]]
        if not theirs:
            continue
        lines = [f"■ {name}"]
        for m in theirs:
            also = [i for i in m["issues"] if i != issue]
            lines.append(_line(m, names, reasons, also=also))
        sections.append("\n".join(lines))
    if only is None:
        others = [m for m in live if not m["issues"]]
        if others:
            lines = ["■ Other meetings"] + [_line(m, names, reasons) for m in others]
            sections.append("\n".join(lines))
    return sections


def _by_person(
    rota: dict[str, Any],
    day: str,
    meetings: list[dict[str, Any]],
    names: dict[str, str],
    reasons: dict[str, dict[str, Any]],
) -> list[str]:
    by_id = {m["id"]: m for m in meetings}
    busy = {a["attendee"] for a in rota["assignments"] if a["day"] == day}
    sections = []
    free = [names[p["id"]] for p in rota["attendees"] if p["id"] not in busy]
    for person in rota["attendees"]:
        theirs = [
            a
            for a in rota["assignments"]
            if a["day"] == day and a["attendee"] == person["id"] and a["meeting"] in by_id
        ]
        if not theirs:
            continue
        lines = [f"■ {names[person['id']]}"]
        for item in theirs:
            meeting = by_id[item["meeting"]]
            others = [names.get(a, a) for a in meeting["attendees"] if a != person["id"]]
            line = _line({**meeting, "start": item["start"], "end": item["end"]}, names, {}, False)
            lines.append(line + (f" with {', '.join(others)}" if others else ""))
        sections.append("\n".join(lines))
    uncovered = [m for m in meetings if m["status"] == "uncovered"]
    if uncovered:
        lines = [f"{UNCOVERED} Uncovered ({len(uncovered)})"]
        lines += [_line(m, names, reasons) for m in uncovered]
        sections.append("\n".join(lines))
    if free:
        sections.append("Free all day: " + ", ".join(free))
    return sections


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
