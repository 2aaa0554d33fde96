"""Small helpers the plain-text exports share (terminal, digest, messages)."""

from __future__ import annotations

import re
import unicodedata

# Characters that could act on a terminal or a chat app, or break a line: C0 and C1
# controls (ESC among them), line and paragraph separators, and the bidirectional
# embeddings, overrides and isolates (they can reorder what is around them).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


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
