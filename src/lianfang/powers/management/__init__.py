"""Console commands of the catalog, and the one rule they share for picking the yearly cycle."""

from __future__ import annotations

from django.core.management.base import CommandError

from lianfang.core.actor import Actor
from lianfang.cycles.models import Cycle
from lianfang.cycles.selectors import cycles


def command_cycle(actor: Actor, unit_code: str | None, year: int | None) -> Cycle:
    """The cycle a console command works in: `--unit` (else the one unit that has cycles) and `--year`
    (else that unit's latest). Anything ambiguous or missing is a Chinese CommandError."""
    visible = cycles(actor)
    if unit_code:
        mine = visible.filter(unit__code=unit_code)
        if not mine.exists():
            raise CommandError(f"单位代码“{unit_code}”不存在，或该单位还没有年度周期")
    else:
        codes = sorted(set(visible.values_list("unit__code", flat=True)))
        if not codes:
            raise CommandError("系统中还没有任何年度周期，请先为单位开启年度周期")
        if len(codes) > 1:
            raise CommandError(f"有多个单位的年度周期，请用 --unit 指定单位代码（{'、'.join(codes)}）")
        mine = visible.filter(unit__code=codes[0])
    cycle = mine.order_by("-year").first() if year is None else mine.filter(year=year).first()
    if cycle is None:
        years = "、".join(str(y) for y in mine.order_by("year").values_list("year", flat=True))
        raise CommandError(f"该单位没有 {year} 年度周期（已有：{years}）")
    return cycle
