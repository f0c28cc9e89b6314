"""A progress bar for long console work (rich), silent when output is not a terminal unless asked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class Advance(Protocol):
    def __call__(self, amount: int) -> None: ...


@contextmanager
def progress_bar(
    label: str, total: int | None, stream: Any = None, enabled: bool = True
) -> Iterator[Advance]:
    console = Console(file=stream, stderr=stream is None)
    if not enabled:
        yield lambda amount: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task_id = progress.add_task(label, total=total)
        yield lambda amount: progress.advance(task_id, amount)
