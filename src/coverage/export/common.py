"""Small helpers the plain-text exports share (terminal, digest, messages)."""

from __future__ import annotations

import re
import unicodedata

from coverage.domain import UNPRINTABLE

# Characters that could act on a terminal or a chat app, hide text or break a line (the
# same the workspace refuses where they are typed: controls, separators, direction marks
# and overrides, invisible characters).
_UNSAFE = re.compile(UNPRINTABLE)


def printable(text: str) -> str:
    """`text` on one line with nothing a terminal or chat app would act on: every control
    or direction-changing character becomes a space, runs of spaces one."""
    return re.sub(r" {2,}", " ", _UNSAFE.sub(" ", text)).strip()


def isolated(text: str) -> str:
    """`printable(text)`, and wrapped in U+2068 ... U+2069 when it has right-to-left
    letters, so that a chat app does not carry the times and names around it along."""
    clean = printable(text)
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in clean):
        return f"\u2068{clean}\u2069"
    return clean
