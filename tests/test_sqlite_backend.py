"""The SQLite backend queues write transactions on its locks (a Python lock in the process, an OS lock on a
file across processes): held from BEGIN to COMMIT or ROLLBACK, never twice by nested blocks, and given back
when BEGIN itself fails. A database file of its own, so this runs the same whether the suite runs on SQLite
or on PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction

from lianfang.core.sqlite_backend import base

ALIAS = "lock_test"


def _settings(path: Path, timeout: float = 5) -> dict[str, object]:
    return {
        "ENGINE": "lianfang.core.sqlite_backend",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }


@contextmanager
def registered(path: Path, timeout: float = 5) -> Iterator[None]:
    """A database alias of this backend over `path`, usable from any thread (each opens its own
    connection)."""
    connections.settings[ALIAS] = _settings(path, timeout)
    try:
        yield
    finally:
        connections[ALIAS].close()
        del connections.settings[ALIAS]
        delattr(connections._connections, ALIAS)


@pytest.fixture
def db_file(tmp_path: Path, django_db_blocker: Any) -> Iterator[base.DatabaseWrapper]:
    with django_db_blocker.unblock(), registered(tmp_path / "lock.sqlite3"):
        wrapper = connections[ALIAS]
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (n INTEGER)")
        yield wrapper


def test_the_lock_is_held_from_begin_to_commit(db_file: base.DatabaseWrapper) -> None:
    assert not base._WRITE_LOCK.locked()
    with transaction.atomic(using=ALIAS):
        assert base._WRITE_LOCK.locked()
        # A savepoint: the lock is not taken again.
        with transaction.atomic(using=ALIAS), db_file.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
        assert base._WRITE_LOCK.locked()
    assert not base._WRITE_LOCK.locked()
    with db_file.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (1,)


def test_the_lock_is_given_back_on_rollback(db_file: base.DatabaseWrapper) -> None:
    with pytest.raises(RuntimeError), transaction.atomic(using=ALIAS):
        with db_file.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("boom")
    assert not base._WRITE_LOCK.locked()
    with db_file.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)


def test_a_second_thread_waits_for_the_first_to_commit(db_file: base.DatabaseWrapper) -> None:
    """The second writer waits on the lock (not in SQLite) and writes after the first has committed."""
    order: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def first() -> None:
        with transaction.atomic(using=ALIAS):
            order.append("first began")
            inside.set()
            release.wait(5)
            order.append("first committing")
        connections[ALIAS].close()

    def second() -> None:
        inside.wait(5)
        with transaction.atomic(using=ALIAS):
            order.append("second began")
        connections[ALIAS].close()

    # Each thread has its own connection object (Django's connections are per thread).
    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    b.start()
    inside.wait(5)
    b.join(0.3)
    assert b.is_alive()  # still waiting for the lock
    release.set()
    a.join(5)
    b.join(5)
    assert order == ["first began", "first committing", "second began"]
    assert not base._WRITE_LOCK.locked()


def test_the_lock_is_given_back_when_begin_fails(tmp_path: Path, django_db_blocker: Any) -> None:
    """Another process (here: a plain sqlite3 connection) holds the database's write lock: BEGIN fails after
    the busy timeout, and the Python lock must not stay taken."""
    path = tmp_path / "busy.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (n INTEGER)")
    other.execute("BEGIN IMMEDIATE")
    try:
        with django_db_blocker.unblock(), registered(path, timeout=0.2):
            with pytest.raises(OperationalError), transaction.atomic(using=ALIAS):
                pass
            assert not base._WRITE_LOCK.locked()
    finally:
        other.execute("ROLLBACK")
        other.close()


def _os_lock_is_free(path: Path) -> bool:
    """Whether another process could take the OS lock now (a separate open file stands for one)."""
    fd = os.open(f"{path}-writelock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_other_processes_are_kept_out_by_the_os_lock_from_begin_to_commit(
    db_file: base.DatabaseWrapper,
) -> None:
    path = Path(str(db_file.settings_dict["NAME"]))
    assert _os_lock_is_free(path)
    with transaction.atomic(using=ALIAS):
        assert not _os_lock_is_free(path)
    assert _os_lock_is_free(path)
    with pytest.raises(RuntimeError), transaction.atomic(using=ALIAS):
        raise RuntimeError("boom")
    assert _os_lock_is_free(path)


def test_a_writer_waits_for_another_process_holding_the_os_lock(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    """Another process holds the OS lock: BEGIN waits for it rather than for SQLite, and once the wait runs
    out (here 0.2 s) SQLite's own waiting applies — the database itself is free, so the write goes through."""
    path = tmp_path / "os.sqlite3"
    sqlite3.connect(path).close()
    other = os.open(f"{path}-writelock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(other, fcntl.LOCK_EX)
    try:
        with django_db_blocker.unblock(), registered(path, timeout=0.2):
            started = time.monotonic()
            with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
                cursor.execute("CREATE TABLE t (n INTEGER)")
            assert time.monotonic() - started >= 0.2
            assert not base._WRITE_LOCK.locked()
        fcntl.flock(other, fcntl.LOCK_UN)
        with django_db_blocker.unblock(), registered(path, timeout=5):
            started = time.monotonic()
            with transaction.atomic(using=ALIAS):
                pass
            assert time.monotonic() - started < 4  # not its 5 s timeout
    finally:
        os.close(other)


def test_in_memory_databases_take_no_os_lock() -> None:
    assert base._lock_file(":memory:") is None
    assert base._lock_file("file:memorydb_default?mode=memory&cache=shared") is None
