"""Chinese full-text search over the register.

Chinese has no spaces between words, so a query such as "采购围标" must be cut into words ("采购", "围标")
before it can be matched: jieba does that for the query, and a risk point matches when every query word
occurs in its text. The stored side is the risk point's own text (code, duty, name, causes, notes,
manifestations, measures) normalised once when it is written (NFKC, lower case, one space between parts).
Matching is by substring, so segmenting the stored text as well would add nothing but cost: every word jieba
could cut out of it is a substring of it already. Plain LIKE on SQLite and PostgreSQL; no extension needed.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def index_text(parts: Iterable[str]) -> str:
    """What is stored for searching: each distinct part once, normalised, framed by spaces."""
    seen = dict.fromkeys(n for n in (normalise(p) for p in parts if p) if n)
    return " " + " ".join(seen) + " " if seen else ""


def query_words(query: str) -> list[str]:
    """A user's query as the words to look for (each must be found): jieba's words, punctuation dropped."""
    found: dict[str, None] = {}
    for chunk in normalise(query).split():
        for w in jieba.lcut(chunk):
            w = w.strip()
            if w and any(ch.isalnum() for ch in w):
                found.setdefault(w, None)
    return list(found)
