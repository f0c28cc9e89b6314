"""Django's SQLite backend, with the write transactions of one process taken in turn on a lock.

SQLite has one write lock per database. A thread that finds it taken waits in SQLite's busy handler, which
sleeps in growing steps (1, 2, 5, 10 … 100 ms) and then polls again, so under a steady stream of short
writes (events arriving through the API) some senders sleep far longer than the transaction they wait for.
Threads of the same process instead wait on a Python lock here and start the moment it is free; only
other processes (the worker, a second server process) still meet the busy handler. Transactions are
IMMEDIATE (settings), so every transaction is a write transaction and takes the lock at its start.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_WRITE_LOCK = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holds_write_lock = False

    def _start_transaction_under_autocommit(self) -> None:
        # Waits at most as long as SQLite itself would; then SQLite's own waiting (and error) applies.
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        self._holds_write_lock = _WRITE_LOCK.acquire(timeout=timeout)
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private, not in the stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            _WRITE_LOCK.release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private, not in the stubs
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private, not in the stubs
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private, not in the stubs
        finally:
            self._release_write_lock()
