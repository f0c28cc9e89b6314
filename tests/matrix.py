"""The role × scope permission matrix, written out by hand (not derived from the code under test).

Each role is granted over one node: unit-level roles over the college, department-level roles over
its 财务处 (which contains the sub-department 核算科). "in" objects lie inside that node's subtree,
"out" objects in another unit. Letters: V view, C create (under the node), E edit, R retire/end.
Nothing is ever allowed outside the subtree.
"""

from __future__ import annotations

from lianfang.accounts.models import Role

TYPES = ("unit", "department", "post", "person", "assignment", "leadership", "liaison")

# Department-level grants do not reach the unit above them, nor the unit's leadership team.
EXPECTED_TEXT = """
role         unit  department post  person assignment leadership liaison
sysadmin     VCER  VCER       VCER  VCER   VCE        VCER       VCR
secadmin     V     V          V     V      V          V          V
auditadmin   -     -          -     -      -          -          -
supervisor   VE    VCER       VCER  VCER   VCE        VCER       VCR
unit_leader  V     V          V     V      V          V          V
dept_head    -     VE         VCER  V      VCE        -          V
liaison      -     V          VCE   V      VCE        -          V
post_holder  -     V          V     V      V          -          -
"""

UNIT_LEVEL_ROLES = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN, Role.SUPERVISOR, Role.UNIT_LEADER}


def expected() -> dict[str, dict[str, set[str]]]:
    lines = [line.split() for line in EXPECTED_TEXT.strip().splitlines()]
    header = lines[0][1:]
    assert tuple(header) == TYPES
    table: dict[str, dict[str, set[str]]] = {}
    for row in lines[1:]:
        table[row[0]] = {
            t: set() if cell == "-" else set(cell) for t, cell in zip(header, row[1:], strict=True)
        }
    assert set(table) == set(Role.values)
    return table
