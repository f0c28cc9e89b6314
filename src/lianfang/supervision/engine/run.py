"""Loading the engine's tables into DuckDB and running the rules (rules.RULES_SQL) over them.

`Checker` holds one in-memory DuckDB connection with the flowcharts, the people and the calendar loaded;
`check_rows` runs the rules over a handful of events (streaming), `check_csv` over a whole log read by
DuckDB straight from the file (batch). Both run the same query.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from lianfang.core.vocabulary import LimitUnit
from lianfang.workdays.counting import WorkCalendar

from .model import PowerModel
from .rules import RULES_SQL

TIME_ZONE = "Asia/Shanghai"

EVENT_COLUMNS = (
    "case_id VARCHAR, power_code VARCHAR, activity VARCHAR, ts TIMESTAMP, resource VARCHAR, amount DOUBLE, "
    "violation VARCHAR, suspend_from DATE, suspend_to DATE, completes BOOLEAN"
)


@dataclass(frozen=True)
class EventRow:
    case_id: str
    power_code: str
    activity: str
    ts: datetime  # local time (Asia/Shanghai), naive
    resource: str = ""
    amount: float | None = None
    violation: str = ""
    suspend_from: date | None = None
    suspend_to: date | None = None
    completes: bool = False


@dataclass(frozen=True)
class Finding:
    case_id: str
    power_code: str
    rule: str
    step_code: str
    resource: str
    n1: float | None
    n2: float | None
    n3: float | None


@dataclass(frozen=True)
class Held:
    """A post held by a person, known by the resource names events use (staff number, account)."""

    resource: str
    post_id: int
    start: date
    end: date | None


class Checker:
    """The engine with its reference tables loaded once. Not shared between threads (`for_thread`)."""

    def __init__(self, models: Sequence[PowerModel], calendar: WorkCalendar, held: Iterable[Held] = ()):
        self.models = {m.power_code: m for m in models}
        self.calendar = calendar
        self.con = duckdb.connect()
        self.con.execute(f"SET TimeZone = '{TIME_ZONE}'")
        self.con.execute(f"CREATE TABLE events ({EVENT_COLUMNS})")
        self._load_models(models)
        people = list(held)
        self.con.execute("CREATE TABLE held (resource VARCHAR, post_id BIGINT, start_d DATE, end_d DATE)")
        if people:
            self.con.executemany(
                "INSERT INTO held VALUES (?, ?, ?, ?)",
                [(h.resource, h.post_id, h.start, h.end) for h in people],
            )
        self.con.execute("CREATE TABLE people AS SELECT DISTINCT resource FROM held")
        self.con.execute("CREATE TABLE cal (d DATE, work BOOLEAN, serial INTEGER, next_work DATE)")
        self._cal_range: tuple[date, date] | None = None
        # The longest calendar-day reach of any limit: how far past the last day the calendar must go.
        self._reach = max(
            [
                limit
                for m in models
                for limit, unit in [
                    (m.promised_limit, m.promised_unit),
                    (m.statutory_limit, m.statutory_unit),
                ]
                + [(s.limit, s.unit) for s in m.steps]
                if limit and unit == LimitUnit.CALENDAR_DAYS
            ]
            or [0]
        )

    def _load_models(self, models: Sequence[PowerModel]) -> None:
        c = self.con
        c.execute(
            "CREATE TABLE steps (power_code VARCHAR, step_code VARCHAR, ord INTEGER, post_id BIGINT, "
            "lim INTEGER, unit VARCHAR, is_start BOOLEAN, is_end BOOLEAN)"
        )
        c.execute("CREATE TABLE trans (power_code VARCHAR, src VARCHAR, dst VARCHAR)")
        c.execute("CREATE TABLE reach (power_code VARCHAR, src VARCHAR, dst VARCHAR)")
        c.execute("CREATE TABLE seps (power_code VARCHAR, a VARCHAR, b VARCHAR)")
        c.execute("CREATE TABLE disc (power_code VARCHAR, violation VARCHAR, lo DOUBLE, hi DOUBLE)")
        c.execute(
            "CREATE TABLE powers (power_code VARCHAR, promised INTEGER, promised_unit VARCHAR, "
            "statutory INTEGER, statutory_unit VARCHAR, days_before INTEGER)"
        )
        c.execute("CREATE TABLE off (power_code VARCHAR, rule VARCHAR)")

        def rows(sql: str, data: list[tuple[Any, ...]]) -> None:
            if data:
                c.executemany(sql, data)

        rows(
            "INSERT INTO steps VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (s.power_code, s.step_code, s.order, s.post_id, s.limit, s.unit, s.is_start, s.is_end)
                for m in models
                for s in m.steps
            ],
        )
        rows(
            "INSERT INTO trans VALUES (?, ?, ?)",
            [(m.power_code, a, b) for m in models for a, b in m.transitions],
        )
        rows("INSERT INTO reach VALUES (?, ?, ?)", [(m.power_code, a, b) for m in models for a, b in m.reach])
        rows(
            "INSERT INTO seps VALUES (?, ?, ?)",
            [(m.power_code, a, b) for m in models for a, b in m.separations],
        )
        rows(
            "INSERT INTO disc VALUES (?, ?, ?, ?)",
            [(m.power_code, v, lo, hi) for m in models for v, lo, hi in m.discretion],
        )
        rows(
            "INSERT INTO powers VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    m.power_code,
                    m.promised_limit,
                    m.promised_unit,
                    m.statutory_limit,
                    m.statutory_unit,
                    m.days_before,
                )
                for m in models
            ],
        )
        rows("INSERT INTO off VALUES (?, ?)", [(m.power_code, r) for m in models for r in m.disabled])

    def _ensure_calendar(self, first: date, last: date) -> None:
        """The calendar rows from the day before `first` to `last` plus the reach of calendar-day limits.
        Raises MissingCalendarYear for a year with no data: never a guess."""
        lo = first - timedelta(days=1)
        hi = last + timedelta(days=self._reach + (31 if self._reach else 0))
        if self._cal_range and self._cal_range[0] <= lo and hi <= self._cal_range[1]:
            return
        if self._cal_range:
            lo, hi = min(lo, self._cal_range[0]), max(hi, self._cal_range[1])
        table = self.calendar.serial_table(lo, hi)
        next_work: list[date | None] = [None] * len(table)
        upcoming: date | None = None
        for i in range(len(table) - 1, -1, -1):
            if table[i][1]:
                upcoming = table[i][0]
            next_work[i] = upcoming
        self.con.execute("DELETE FROM cal")
        self.con.executemany(
            "INSERT INTO cal VALUES (?, ?, ?, ?)",
            [(d, w, s, n) for (d, w, s), n in zip(table, next_work, strict=True)],
        )
        self._cal_range = (lo, hi)

    def _run(self, today: date) -> list[Finding]:
        span = self.con.execute(
            "SELECT min(CAST(ts AS DATE)), max(CAST(ts AS DATE)), max(suspend_to) FROM events"
        ).fetchone()
        if span is None or span[0] is None:
            return []
        last = max(d for d in (span[1], span[2], today) if d is not None)
        self._ensure_calendar(span[0], last)
        result = self.con.execute(RULES_SQL, {"today": today}).fetchall()
        return [Finding(*row) for row in result]

    def check_rows(self, events: Sequence[EventRow], today: date) -> list[Finding]:
        """Streaming: the rules over these events (one case's, or a few cases')."""
        self.con.execute("DELETE FROM events")
        if events:
            # Column lists unnested in one statement: far faster than a row-by-row executemany.
            columns = list(zip(*(astuple(e) for e in events), strict=True))
            self.con.execute(
                "INSERT INTO events SELECT " + ", ".join(f"unnest(${i + 1})" for i in range(len(columns))),
                [list(c) for c in columns],
            )
        return self._run(today)

    def check_csv(self, path: Path, today: date) -> list[Finding]:
        """Batch: the rules over a whole log in the CSV format of docs/formats/events.md."""
        with open(path, encoding="utf-8-sig") as fh:
            header = {name.strip() for name in fh.readline().split(",")}

        def col(name: str) -> str:
            return f'"{name}"' if name in header else "NULL"

        self.con.execute("DELETE FROM events")
        self.con.execute(
            f"""
            INSERT INTO events
            SELECT case_id, power_code, activity,
                   CASE WHEN suffix("timestamp", '+08:00') THEN CAST(left("timestamp", 19) AS TIMESTAMP)
                        ELSE CAST(CAST("timestamp" AS TIMESTAMPTZ) AS TIMESTAMP) END,
                   coalesce({col("resource")}, ''),
                   TRY_CAST(nullif({col("amount")}, '') AS DOUBLE),
                   coalesce({col("violation")}, ''),
                   TRY_CAST(nullif({col("suspend_from")}, '') AS DATE),
                   TRY_CAST(nullif({col("suspend_to")}, '') AS DATE),
                   lower(coalesce({col("completes")}, '')) IN ('1', 'true', 'yes', '是')
            FROM read_csv($path, header = true, all_varchar = true)
            """,  # noqa: S608 - column names come from the fixed list above, never from the file
            # Beijing times (+08:00, the usual case) are read as they are; other offsets go through ICU.
            {"path": str(path)},
        )
        return self._run(today)


_local = threading.local()


def for_thread(key: Any, build: Any) -> Checker:
    """One Checker per thread and per reference version (`key`): DuckDB connections are not shared."""
    cached = getattr(_local, "checker", None)
    if cached is None or cached[0] != key:
        cached = (key, build())
        _local.checker = cached
    checker: Checker = cached[1]
    return checker


def forget_checkers() -> None:
    """Drop this thread's Checker (tests: database counters restart, so a version key can repeat)."""
    _local.checker = None
