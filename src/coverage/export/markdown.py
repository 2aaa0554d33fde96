"""The rota as Markdown, for people who read it in a chat or a repository."""

from __future__ import annotations

from typing import Any

from coverage.export.common import bound, clock, proof, span


def _cell(text: Any) -> str:
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def render_markdown(rota: dict[str, Any]) -> str:
    """The rota as a Markdown document: scores, one table per day, uncovered meetings with
    their reasons, and each person's day. Carries names only, no contact details."""
    names = {a["id"]: a["name"] for a in rota["attendees"]}
    run = rota.get("run", {})
    title = f"# Rota: {rota['conference']}"
    days = rota["days"]
    title += f", {days[0]}" if len(days) == 1 else f", {days[0]} to {days[-1]}"
    lines = [title, ""]
    if "version" in run:
        lines += [f"Version {run['version']}, made {run.get('created_at', '')}.", ""]
    lines += [f"Solver: {proof(rota)}; seed {rota['solver']['seed']}.", ""]
    lines += ["| tier | value | bound | proven |", "|---|---:|---:|---|"]
    for score in rota["scores"]:
        proven_mark = "yes" if score["optimal"] else "no"
        lines.append(f"| {score['tier']} | {score['value']} | {bound(score)} | {proven_mark} |")
    lines.append("")

    reasons = {u["meeting"]: u for u in rota["uncovered"]}
    for day in days:
        todays = [m for m in rota["meetings"] if m["day"] == day]
        covered = sum(1 for m in todays if m["status"] == "covered")
        lines += [f"## {day}", "", f"{covered} of {len(todays)} meetings covered.", ""]
        lines += ["| time | meeting | room | issues | who |", "|---|---|---|---|---|"]
        for meeting in todays:
            who = ", ".join(names.get(a, a) for a in meeting["attendees"])
            if meeting["status"] == "cancelled":
                who = "(cancelled)"
            elif not who:
                who = "**UNCOVERED**"
            when = span(meeting)
            lines.append(
                f"| {when} | {_cell(meeting['title'])} | {_cell(meeting['room'])} | "
                f"{_cell(', '.join(meeting['issues']))} | {_cell(who)} |"
            )
        lines.append("")
        missing = [m for m in todays if m["id"] in reasons]
        if missing:
            lines += ["### Uncovered", ""]
            for meeting in missing:
                reason = reasons[meeting["id"]]
                lines.append(
                    f"- {clock(meeting['start'])} {_cell(meeting['title'])} "
                    f"(weight {meeting['weight']}): {_cell(reason['message'])}"
                )
            lines.append("")

    lines += ["## Who goes where", ""]
    per_person: dict[str, list[dict[str, Any]]] = {}
    meetings = {m["id"]: m for m in rota["meetings"]}
    for item in rota["assignments"]:
        per_person.setdefault(item["attendee"], []).append(meetings[item["meeting"]])
    for attendee in rota["attendees"]:
        taken = per_person.get(attendee["id"], [])
        if not taken:
            lines.append(f"- **{_cell(attendee['name'])}**: free")
            continue
        parts = [
            f"{m['day'][5:]} {span(m)} {_cell(m['title'])}"
            + (f" ({_cell(m['room'])})" if m["room"] else "")
            for m in taken
        ]
        lines.append(f"- **{_cell(attendee['name'])}**: " + "; ".join(parts))
    lines.append("")
    return "\n".join(lines)
