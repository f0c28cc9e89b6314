"""Loading the engine's tables into DuckDB and running the rules (rules.RULES_SQL) over them.

`Checker` holds one in-memory DuckDB connection with the flowcharts, the people and the whole calendar
loaded; `check_rows` runs the rules over a handful of events (streaming), `check_csv` over a whole log read by
DuckDB straight from the file (batch). Both run the same query (rules.RULES_SQL), over a different source.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from lianfang.core.vocabulary import LimitUnit
from lianfang.workdays.counting import MissingCalendarYear, WorkCalendar

from .model import PowerModel
from .rules import RULES_SQL, SPAN

TIME_ZONE = "Asia/Shanghai"
EPOCH = date(1970, 1, 1)

EVENT_COLUMNS = (
    "case_id VARCHAR, power_code VARCHAR, activity VARCHAR, ts TIMESTAMP, resource VARCHAR, amount DOUBLE, "
    "violation VARCHAR, suspend_from DATE, suspend_to DATE, completes BOOLEAN"
)
# The source of the streaming mode: the columns of EventRow, passed as one list each.
EVENT_NAMES = [c.split()[0] for c in EVENT_COLUMNS.split(", ")]
UNNEST_EVENTS = "SELECT " + ", ".join(
    f"CAST(unnest(${name}) AS {kind}) AS {name}"
    for name, kind in (c.split() for c in EVENT_COLUMNS.split(", "))
)


class EventRow(NamedTuple):
    """One event as the engine reads it. A named tuple: streaming passes the rows' columns to DuckDB as lists,
    and `dataclasses.astuple` (which copies deeply) took most of the worker's time on a few thousand cases."""

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


class Finding(NamedTuple):
    """One finding of the rules. A named tuple, not a dataclass: a million-event log gives tens of thousands,
    and a frozen dataclass took four times as long to build (60 ms of the batch check)."""

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

    def __init__(
        self,
        models: Sequence[PowerModel],
        calendar: WorkCalendar,
        held: Iterable[Held] = (),
        *,
        threads: int | None = None,
    ):
        """`threads`: DuckDB's threads for a query (default: one per core, for whole logs). Streaming
        checks pass 1: their inputs are a few cases, and every server thread has its own Checker."""
        self.models = {m.power_code: m for m in models}
        self.calendar = calendar
        self.con = duckdb.connect()
        self.con.execute(f"SET TimeZone = '{TIME_ZONE}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self._load_models(models)
        people = list(held)
        self.con.execute("CREATE TABLE held (resource VARCHAR, post_id BIGINT, start_d DATE, end_d DATE)")
        fill(self.con, "held", [(h.resource, h.post_id, h.start, h.end) for h in people])
        self.con.execute("CREATE TABLE people AS SELECT DISTINCT resource FROM held")
        self._load_calendar(calendar)
        self.last_size = (0, 0)  # events and cases of the last check
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
        # Steps are numbered across all flows in flow order (`sid`): the rules compare and join step numbers,
        # not pairs of power and step codes, and a case's steps with the same time sort by their number.
        sid = {
            (s.power_code, s.step_code): n
            for n, s in enumerate((s for m in models for s in m.steps), start=1)
        }
        c.execute(
            "CREATE TABLE steps (sid INTEGER, power_code VARCHAR, step_code VARCHAR, post_id BIGINT, "
            "lim INTEGER, unit VARCHAR, is_start BOOLEAN, is_end BOOLEAN)"
        )
        c.execute("CREATE TABLE trans (src INTEGER, dst INTEGER)")
        c.execute("CREATE TABLE reach (src INTEGER, dst INTEGER)")
        c.execute("CREATE TABLE seps (a INTEGER, b INTEGER)")
        c.execute("CREATE TABLE disc (power_code VARCHAR, violation VARCHAR, lo DOUBLE, hi DOUBLE)")
        c.execute(
            "CREATE TABLE powers (power_code VARCHAR, promised INTEGER, promised_unit VARCHAR, "
            "statutory INTEGER, statutory_unit VARCHAR, days_before INTEGER)"
        )
        c.execute("CREATE TABLE off (power_code VARCHAR, rule VARCHAR)")

        def pairs(code: str, edges: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
            # A pair naming a step the flow lacks (the flow checks refuse one) can match no known step.
            return [(sid[code, a], sid[code, b]) for a, b in edges if (code, a) in sid and (code, b) in sid]

        fill(
            c,
            "steps",
            [
                (
                    sid[s.power_code, s.step_code],
                    s.power_code,
                    s.step_code,
                    s.post_id,
                    s.limit,
                    s.unit,
                    s.is_start,
                    s.is_end,
                )
                for m in models
                for s in m.steps
            ],
        )
        fill(c, "trans", [p for m in models for p in pairs(m.power_code, m.transitions)])
        fill(c, "reach", [p for m in models for p in pairs(m.power_code, m.reach)])
        fill(c, "seps", [p for m in models for p in pairs(m.power_code, m.separations)])
        fill(
            c,
            "disc",
            [(m.power_code, v, lo, hi) for m in models for v, lo, hi in m.discretion],
        )
        fill(
            c,
            "powers",
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
        fill(c, "off", [(m.power_code, r) for m in models for r in m.disabled])

    def _load_calendar(self, calendar: WorkCalendar) -> None:
        """The whole calendar at once (a few thousand rows): the events' dates need no scan beforehand, and
        `_require_calendar` refuses a log that reaches a year the calendar lacks."""
        table = calendar.span_table()
        next_work: list[date | None] = [None] * len(table)
        upcoming: date | None = None
        for i in range(len(table) - 1, -1, -1):
            if table[i][1]:
                upcoming = table[i][0]
            next_work[i] = upcoming
        self.con.execute("CREATE TABLE cal (d DATE, work BOOLEAN, serial INTEGER, next_work DATE)")
        fill(self.con, "cal", [(*day, after) for day, after in zip(table, next_work, strict=True)])

    def _run(self, source: str, params: dict[str, Any], today: date) -> list[Finding]:
        rows = self.con.execute(RULES_SQL.format(source=source), {**params, "today": today}).fetchall()
        # Always there (its aggregates give a row even over no events), and first unless a case id sorts
        # before the empty string.
        at = next(i for i, row in enumerate(rows) if row[2] == SPAN)
        span = rows.pop(at)
        self.last_size = (int(span[3]), int(span[4]))
        self._require_calendar(span[5:], today)
        return list(map(Finding._make, rows))

    def _require_calendar(self, span: tuple[float | None, ...], today: date) -> None:
        """Raise MissingCalendarYear for a year the check needed and the calendar lacks — from the day before
        the first event to the last date a limit can reach — so nothing found with a missing year is kept."""
        first_day, *last_days = span
        if first_day is None:
            return
        first = EPOCH + timedelta(days=first_day - 1)
        last = max([EPOCH + timedelta(days=d) for d in last_days if d is not None] + [today])
        last += timedelta(days=self._reach + (31 if self._reach else 0))
        for year in range(first.year, last.year + 1):
            if not self.calendar.covers(year):
                raise MissingCalendarYear(year)

    def check_rows(self, events: Sequence[EventRow], today: date) -> list[Finding]:
        """Streaming: the rules over these events (one case's, or a few cases')."""
        if not events:
            self.last_size = (0, 0)
            return []
        # Column lists unnested in the query: far faster than inserting row by row.
        columns = zip(*events, strict=True)
        return self._run(
            UNNEST_EVENTS, {n: list(c) for n, c in zip(EVENT_NAMES, columns, strict=True)}, today
        )

    def check_csv(self, path: Path, today: date) -> list[Finding]:
        """Batch: the rules over a whole log in the CSV format of docs/formats/events.md."""
        reader, header = csv_reader(path)

        def col(name: str) -> str:
            return f'"{name}"' if name in header else "NULL"

        source = f"""
            SELECT case_id, power_code, activity,
                   coalesce(try_strptime("timestamp", '%Y-%m-%dT%H:%M:%S+08:00'),
                            CAST(CAST("timestamp" AS TIMESTAMPTZ) AS TIMESTAMP)) AS ts,
                   coalesce({col("resource")}, '') AS resource,
                   TRY_CAST(nullif({col("amount")}, '') AS DOUBLE) AS amount,
                   coalesce({col("violation")}, '') AS violation,
                   TRY_CAST(nullif({col("suspend_from")}, '') AS DATE) AS suspend_from,
                   TRY_CAST(nullif({col("suspend_to")}, '') AS DATE) AS suspend_to,
                   lower(coalesce({col("completes")}, '')) IN ('1', 'true', 'yes', '是') AS completes
            FROM {reader}
        """  # noqa: S608 - column names come from the fixed list above, never from the file
        # Beijing times to the second (the usual case) are parsed as they are (a third faster than a cast);
        # other offsets, and fractions of a second, go through a cast to a time with zone and back.
        with collector_paused():
            return self._run(source, {"path": str(path)}, today)


def fill(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows as one list per column, unnested in one statement: `executemany` goes row by row, and
    loading the demo college's flowcharts that way took about a second for each new Checker."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    picks = ", ".join(f"unnest(${n})" for n in range(1, len(columns) + 1))
    con.execute(f"INSERT INTO {table} SELECT {picks}", columns)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a whole log's findings become tuples: tens of thousands of new
    tuples set it off over the whole process's heap (Django's included), which cost about 80 ms of a
    million-event check. Tuples of plain values make no cycles, so nothing is left for it to find."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def csv_reader(path: Path) -> tuple[str, list[str]]:
    """DuckDB's reader of an event log (`$path`), every column as text, and the header's column names as
    DuckDB will name them (quotes taken off). Left to DuckDB's detection of the dialect: telling it the
    columns saved its sniffing (about 30 ms a million rows) but cost it its estimate of the file's size, and
    the rule query planned on that estimate took 1.8 s instead of 1.0 s."""
    with open(path, encoding="utf-8-sig") as fh:
        header = [name.strip().strip('"').strip() for name in fh.readline().rstrip("\r\n").split(",")]
    return "read_csv($path, header = true, all_varchar = true)", header


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
