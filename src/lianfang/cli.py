"""The `lianfang` console command: a thin wrapper over Django's management commands with our settings."""

from __future__ import annotations

import os
import sys

OPERATOR_HELP = """\
廉防 Lianfang 运维命令 / operator commands

  lianfang demo [--no-serve]           建库、载入演示学院并启动（含后台任务）/ migrate, load the demo, serve
  lianfang serve [--bind ADDR]          生产方式启动网站（gunicorn）/ production server
  lianfang worker                       后台任务与定时作业 / background worker and periodic jobs
  lianfang import org FILE.xlsx [--dry-run] [--json]   导入组织机构 / import the organisation
  lianfang import powers FILE.xlsx [--dry-run] [--json] 导入职权目录（附件一）/ import the power catalog
  lianfang import flows FILE.yaml [--dry-run] [--json]  导入流程图 / import flowcharts
  lianfang export powers --format xlsx|pdf -o FILE     导出职权目录 / export the catalog
  lianfang export flows -o FILE.yaml                   导出流程图 / export flowcharts
  lianfang audit verify                 校验审计日志哈希链 / verify the audit chain
  lianfang backup FILE                  全量备份（校验后写出）/ full verified backup
  lianfang restore FILE [--replace]     从备份恢复 / restore from a backup
  lianfang migrate | check | createsuperuser | …   其他 Django 管理命令 / any Django command

每个命令均支持 --help。Every command takes --help.
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")
    if not args or (len(args) == 1 and args[0] in {"-h", "--help", "help"}):
        sys.stdout.write(OPERATOR_HELP)
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianfang", *args])


if __name__ == "__main__":
    main()
