"""Django's SQLite backend, with write transactions taken in turn on a lock, across threads and processes.

SQLite has one write lock per database. A connection that finds it taken waits in SQLite's busy handler,
which sleeps in growing steps (1, 2, 5, 10 … 100 ms) and then polls again, so under a steady stream of short
writes (events arriving through the API) some senders slept far longer than the transaction they waited
for, up to seconds. Here a write transaction first takes this process's Python lock (threads start the
moment it is free), then an OS lock on a file beside the database (`<database>-writelock`), which other
processes (the worker, a second server process) take the same way; SQLite's busy handler is then almost
never met. Transactions are IMMEDIATE (settings), so every transaction is a write transaction and takes
the locks at its start. Both waits end after the connection's timeout, leaving SQLite's own waiting (and
its error) to apply.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

_WRITE_LOCK = threading.Lock()
# This process's open lock files by database path: an OS lock belongs to an open file, so each process
# opens its own (a file inherited through fork would share the parent's lock).
_LOCK_FILES: dict[tuple[int, str], int] = {}
_LOCK_FILES_GUARD = threading.Lock()


def _lock_file(database: str) -> int | None:
    """The lock file's descriptor for a database file (None for an in-memory database)."""
    if not database or database == ":memory:" or "mode=memory" in database:
        return None
    key = (os.getpid(), database)
    with _LOCK_FILES_GUARD:
        fd = _LOCK_FILES.get(key)
        if fd is None:
            fd = os.open(f"{database}-writelock", os.O_RDWR | os.O_CREAT, 0o600)
            _LOCK_FILES[key] = fd
        return fd


def _take_os_lock(fd: int, timeout: float) -> bool:
    """Take the OS lock, polling every half millisecond up to `timeout` (flock itself cannot time out)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.0005)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holds_write_lock = False
        self._holds_os_lock: int | None = None  # the lock file's descriptor while held

    def _start_transaction_under_autocommit(self) -> None:
        # Waits at most as long as SQLite itself would; then SQLite's own waiting (and error) applies.
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        started = time.monotonic()
        self._holds_write_lock = _WRITE_LOCK.acquire(timeout=timeout)
        try:
            fd = _lock_file(str(self.settings_dict["NAME"]))
            if fd is not None and _take_os_lock(fd, max(0.0, timeout - (time.monotonic() - started))):
                self._holds_os_lock = fd
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private, not in the stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_os_lock is not None:
            fd, self._holds_os_lock = self._holds_os_lock, None
            fcntl.flock(fd, fcntl.LOCK_UN)
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
