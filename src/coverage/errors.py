"""Errors a user can act on: each names the file, the record and the field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the input allows."""

    file: str
    message: str
    record: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.record:
            where += f": {self.record}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class WorkspaceError(Exception):
    """The workspace (or another input) is not valid; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, file: str, message: str, record: str | None = None, field: str | None = None
    ) -> WorkspaceError:
        """An error with a single problem."""
        return cls([Problem(file, message, record, field)])


class FieldError(ValueError):
    """A check across a record's fields that fails: `field` is the one a message should name
    (a model-level validator has no field of its own)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UsageError(Exception):
    """A command was asked for something the workspace cannot give (an unknown day, say)."""


class SolveInterrupted(Exception):
    """The solve was interrupted (Ctrl-C) before any rota was found."""
