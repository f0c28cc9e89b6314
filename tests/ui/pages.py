"""Helpers for reading pages in UI tests."""

from __future__ import annotations

from django.test import Client


def html_of(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def main_of(html: str) -> str:
    """The page's content, without the header and navigation (which name the user's unit)."""
    return html[html.index('<main id="main"') :]
