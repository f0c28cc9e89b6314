"""Event files: CSV (UTF-8, BOM, GBK; header rules; bad rows with line numbers) and XES (IEEE 1849; safe
parsing); round trips through export and re-import into a fresh unit; the `lianfang events` command."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from lianfang.core.errors import ServiceError
from lianfang.supervision import selectors as sel
from lianfang.supervision.formats.csv_events import read_csv, write_csv
from lianfang.supervision.formats.xes import read_xes, write_xes
from lianfang.supervision.models import Case, Event
from lianfang.supervision.services.intake import EventIn, Rejection, intake
from tests.factories import SYSTEM, PersonFactory
from tests.supervision.support import START, Supervised, event, make_supervised, walk

HEADER = "case_id,power_code,activity,timestamp,resource"


def events_only(items: list[EventIn | Rejection]) -> list[EventIn]:
    assert all(isinstance(i, EventIn) for i in items), items
    return [i for i in items if isinstance(i, EventIn)]


def test_csv_rows_are_read_with_their_optional_columns() -> None:
    text = (
        f"{HEADER},amount,materials,suspend_from,suspend_to,completes,violation,event_id\n"
        "C1,P1,S1,2026-03-02 09:00,A01,1200.5,申请书；身份证;营业执照,2026-03-03,2026-03-05,是,情节较轻,E1\n"
        "C1,P1,S2,2026/3/3 10:30:00+08:00,A02,,,,,0,,\n"
    )
    first, second = events_only(read_csv(text.encode("utf-8")))
    assert first.timestamp == START and first.amount == Decimal("1200.5")
    assert first.materials == ["申请书", "身份证", "营业执照"] and first.completes is True
    assert (first.suspend_from, first.suspend_to) == (dt.date(2026, 3, 3), dt.date(2026, 3, 5))
    assert first.violation == "情节较轻" and first.event_id == "E1" and first.origin == "第2行"
    assert second.timestamp == START + dt.timedelta(days=1, hours=1, minutes=30) and not second.completes


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(encoding: str) -> None:
    data = f"{HEADER},title\nC1,P1,S1,2026-03-02T09:00,张三,行政许可申请\n".encode(encoding)
    (ev,) = events_only(read_csv(data))
    assert ev.resource == "张三" and ev.title == "行政许可申请"


def test_unknown_and_missing_columns_refuse_the_file() -> None:
    with pytest.raises(ServiceError, match="未知的列：colour、备注"):
        read_csv(f"{HEADER},colour,备注\n".encode())
    with pytest.raises(ServiceError, match="缺少必需的列：resource"):
        read_csv(b"case_id,power_code,activity,timestamp\n")
    with pytest.raises(ServiceError, match="为空"):
        read_csv(b"")


def test_bad_rows_are_rejected_with_their_line_numbers() -> None:
    text = (
        f"{HEADER},amount,completes,suspend_from\n"
        "C1,P1,S1,2026-03-02 09:00,A01,,,\n"
        "C2,P1,S1,not-a-time,A01,abc,maybe,2026-13-01\n"
        "\n"
        "C3,P1,S1,2026-03-02 09:00,A01,,,,extra\n"
    )
    items = read_csv(text.encode())
    assert isinstance(items[0], EventIn)
    bad = items[1]
    assert isinstance(bad, Rejection) and bad.case_id == "C2" and bad.reason.startswith("第3行：")
    for part in (
        "发生时间“not-a-time”无法识别",
        "金额/裁量值“abc”不是数字",
        "办结标记“maybe”无效",
        "中止开始日期",
    ):
        assert part in bad.reason
    assert isinstance(items[2], Rejection) and items[2].reason.startswith("第5行：列数")


def test_xes_is_read_with_namespaces_traces_and_typed_attributes() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <string key="concept:name" value="日志"/>
  <trace>
    <string key="concept:name" value="C1"/>
    <string key="lianfang:power" value="P1"/>
    <event>
      <string key="concept:name" value="S1"/>
      <date key="time:timestamp" value="2026-03-02T01:00:00.000Z"/>
      <string key="org:resource" value="A01"/>
      <float key="lianfang:amount" value="500"/>
      <list key="lianfang:materials"><values>
        <string key="m" value="申请书"/><string key="m" value="附件"/>
      </values></list>
      <date key="lianfang:suspend_from" value="2026-03-03T00:00:00.000+08:00"/>
      <boolean key="lianfang:completes" value="true"/>
    </event>
    <event><string key="concept:name" value="S2"/></event>
  </trace>
</log>""".encode()
    good, bad = read_xes(data)
    assert isinstance(good, EventIn) and good.case_id == "C1" and good.power_code == "P1"
    assert good.timestamp == START and good.resource == "A01" and good.amount == Decimal("500")
    assert (
        good.materials == ["申请书", "附件"] and good.suspend_from == dt.date(2026, 3, 3) and good.completes
    )
    # An event without a time is read, and refused by the intake with where it was.
    assert isinstance(bad, EventIn) and bad.timestamp is None and bad.origin == "第1条轨迹第2个事件"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE log [<!ENTITY x "boom">]><log>&x;</log>',
        b'<!doctype log SYSTEM "file:///etc/passwd"><log/>',
    ],
)
def test_xes_with_a_dtd_or_entities_is_refused(data: bytes) -> None:
    with pytest.raises(ServiceError, match="DOCTYPE"):
        read_xes(data)


def test_broken_xml_and_other_roots_are_refused() -> None:
    with pytest.raises(ServiceError, match="不是有效的 XML"):
        read_xes(b"<log><trace></log>")
    with pytest.raises(ServiceError, match="根元素"):
        read_xes(b"<feed/>")


# --- round trips ------------------------------------------------------------------------------------


def comparable(ev: Event) -> tuple[Any, ...]:
    return (
        ev.case.external_id,
        ev.case.power.code,
        ev.key,
        ev.activity,
        ev.step.code if ev.step else None,
        ev.timestamp,
        ev.resource,
        ev.person.staff_no if ev.person else None,
        ev.amount,
        ev.violation,
        ev.materials,
        ev.suspend_from,
        ev.suspend_to,
        ev.completes,
        ev.case.title,
        ev.case.status,
    )


def stored(unit_code: str) -> list[tuple[Any, ...]]:
    qs = Event.objects.filter(case__unit__code=unit_code).select_related("case__power", "step", "person")
    return sorted((comparable(e) for e in qs), key=repr)


def rich_log(s: Supervised) -> list[EventIn]:
    events = walk(s, "C1")
    events[0].title = "某公司许可申请"
    events[1].amount = Decimal("1500.00")
    events[1].violation = "情节一般"
    events[1].materials = ["申请书", "身份证"]
    events[1].suspend_from, events[1].suspend_to = dt.date(2026, 3, 3), dt.date(2026, 3, 4)
    return [
        *events,
        *walk(s, "C2", start=3, completes=False),
        event("C3", "S9", 1, "外部人员", event_id="ext-1"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xes"])
def test_export_and_reimport_into_a_fresh_unit_gives_identical_events(fmt: str) -> None:
    source = make_supervised(unit_code="SRC")
    assert intake(SYSTEM, source.unit, rich_log(source)).stored == 7
    log = sel.case_log(SYSTEM, source.unit)
    data = write_csv(log) if fmt == "csv" else write_xes(log)
    target = make_supervised(unit_code="DST")
    # The same staff in the new unit, so the events find their people again.
    for person in source.persons:
        PersonFactory(department=target.department, unit=target.unit, staff_no=person.staff_no)
    items = read_csv(data) if fmt == "csv" else read_xes(data)
    result = intake(SYSTEM, target.unit, items)
    assert (result.stored, result.rejected) == (7, [])
    assert stored("DST") == stored("SRC")
    assert Event.objects.filter(case__unit=target.unit, person__isnull=False).count() == 6
    # Importing the export again adds nothing.
    assert intake(SYSTEM, target.unit, items).duplicates == 7


# --- the console command ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_cli_import_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = make_supervised(unit_code="SUP")
    path = tmp_path / "events.csv"
    path.write_bytes(write_csv([*walk(s, "C1"), event("C2", "S1", 0, power_code="NOPE")]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("events", "import", str(path), "--unit", "SUP", "--json")
    assert exit_info.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["stored"] == 3 and report["rejected"][0]["reason"] == "第5行：职权编码“NOPE”在本单位不存在"
    # Again: everything known, and the bad row refused again; atomic and dry runs store nothing.
    with pytest.raises(SystemExit):
        call_command("events", "import", str(path), "--no-progress")
    assert "重复 3 条" in capsys.readouterr().out
    good = tmp_path / "good.xes"
    good.write_bytes(write_xes(walk(s, "C9")))
    call_command("events", "import", str(good), "--unit", "SUP", "--dry-run", "--no-progress")
    assert "保存 3 条" in capsys.readouterr().out and not Case.objects.filter(external_id="C9").exists()
    call_command("events", "import", str(good), "--unit", "SUP", "--no-progress")
    assert Case.objects.get(external_id="C9").event_count == 3

    out = tmp_path / "log.xes"
    call_command("events", "export", "--unit", "SUP", "--power", "P1", "--format", "xes", "-o", str(out))
    assert "2 个案件、6 条事件" in capsys.readouterr().out
    assert len(events_only(read_xes(out.read_bytes()))) == 6
    csv_out = tmp_path / "log.csv"
    call_command("events", "export", "--unit", "SUP", "--format", "csv", "-o", str(csv_out))
    assert len(events_only(read_csv(csv_out.read_bytes()))) == 6


@pytest.mark.django_db
def test_cli_refuses_unknown_units_and_formats(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    path = tmp_path / "events.txt"
    path.write_text("x")
    with pytest.raises(CommandError, match=r"\.csv 或 \.xes"):
        call_command("events", "import", str(path))
    csv_path = tmp_path / "events.csv"
    csv_path.write_text(f"{HEADER},colour\n")
    make_supervised(unit_code="SUP")
    with pytest.raises(CommandError, match="单位代码“NOPE”不存在"):
        call_command("events", "import", str(csv_path), "--unit", "NOPE")
    with pytest.raises(CommandError, match="未知的列：colour"):
        call_command("events", "import", str(csv_path), "--unit", "SUP")
