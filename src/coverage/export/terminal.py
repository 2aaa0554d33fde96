"""The rota as a table on the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from coverage.export.common import proof, span


def print_rota(rota: dict[str, Any], console: Console) -> None:
    """One table per day (time, meeting, room, weight, who or why not), then the scores."""
    names = {a["id"]: a["name"] for a in rota["attendees"]}
    reasons = {u["meeting"]: u for u in rota["uncovered"]}
    for day in rota["days"]:
        todays = [m for m in rota["meetings"] if m["day"] == day]
        covered = sum(1 for m in todays if m["status"] == "covered")
        table = Table(title=f"{day}: {covered} of {len(todays)} meetings covered", expand=False)
        table.add_column("time", no_wrap=True)
        table.add_column("meeting")
        table.add_column("room")
        table.add_column("w", justify="right")
        table.add_column("who / why not")
        for meeting in todays:
            if meeting["status"] == "cancelled":
                who = "[dim]cancelled[/dim]"
            elif meeting["attendees"]:
                who = ", ".join(names.get(a, a) for a in meeting["attendees"])
            else:
                reason = reasons.get(meeting["id"], {})
                who = f"[bold red]UNCOVERED[/bold red] {reason.get('reason', '')}"
            table.add_row(
                span(meeting),
                meeting["title"],
                meeting["room"] or "",
                str(meeting["weight"]),
                who,
                end_section=False,
            )
        console.print(table)
    scores = Table(title="scores (lexicographic, in this order)")
    for column in ("tier", "value", "bound", "proven optimal"):
        scores.add_column(column, justify="right" if column in ("value", "bound") else "left")
    for score in rota["scores"]:
        scores.add_row(
            score["tier"],
            str(score["value"]),
            str(score["bound"]),
            "yes" if score["optimal"] else "[yellow]no[/yellow]",
        )
    console.print(scores)
    verdict = proof(rota)
    console.print(
        verdict if rota["solver"]["status"] == "OPTIMAL" else f"[yellow]{verdict}[/yellow]"
    )
