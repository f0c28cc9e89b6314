"""Chinese full-text search over the register: jieba segments the text once, when it is written, into a
space-separated word list stored on the risk point; a query is segmented the same way and every word must
match. Plain SQL (`icontains` over the word list) on both SQLite and PostgreSQL, no extension needed."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def words(text: str) -> list[str]:
    """The search words of a text: jieba's search-mode segmentation, without punctuation and spaces."""
    out = []
    for w in jieba.lcut_for_search(_norm(text)):
        w = w.strip()
        if w and any(ch.isalnum() for ch in w):
            out.append(w)
    return out


def index_text(parts: Iterable[str]) -> str:
    """What is stored: each distinct word once, framed by spaces so a query word matches whole words."""
    # One segmentation call for all the parts (line breaks keep them apart): much cheaper than one each.
    seen = dict.fromkeys(words("\n".join(p for p in parts if p)))
    return " " + " ".join(seen) + " " if seen else ""


def query_words(query: str) -> list[str]:
    """A user's query as the words to look for (each must be found)."""
    found: dict[str, None] = {}
    for chunk in _norm(query).split():
        for w in jieba.lcut(chunk):
            w = w.strip()
            if w and any(ch.isalnum() for ch in w):
                found.setdefault(w, None)
    return list(found)
