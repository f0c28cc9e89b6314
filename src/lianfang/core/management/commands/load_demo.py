"""Load the demo college (fictional) and its demo logins, then print the account table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianfang.core.demo import load_demo
from lianfang.core.errors import ServiceError


class Command(BaseCommand):
    help = "载入演示学院（虚构单位：部门、岗位、人员、任职、领导分工、联络员）和每种角色一个演示账号"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = load_demo(stdout=self.stdout)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write("")
        self.stdout.write(f"演示单位：{summary.unit}（{summary.code}）")
        self.stdout.write(f"演示账号（密码均为 {summary.password}，仅供演示，正式使用前请删除或修改）：")
        for line in summary.account_lines():
            self.stdout.write("  " + line)
