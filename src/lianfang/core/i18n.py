"""The interface is written in Chinese and translated; some text must stay in that source language.

Choice labels and field names are lazy translations whose msgids are the Chinese text. Service messages,
the import templates and their parsing, and exports are Chinese whatever language the reader chose, so they
take the source text of a label rather than its translation.
"""

from __future__ import annotations

from django.utils import translation


def source_text(text: object) -> str:
    """The untranslated (Chinese) text of a possibly lazy string, whichever language is active."""
    if isinstance(text, str):
        return text
    with translation.override(None):
        return str(text)
