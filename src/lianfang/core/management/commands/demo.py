"""`lianfang demo`: migrate, load the demo college when the database is empty, run the worker, and serve."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lianfang.org.models import Unit


def _pad(text: str, width: int) -> str:
    """Left-align text in a terminal column, counting Chinese characters as two columns wide."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 0)


class Command(BaseCommand):
    help = "演示：建库，数据库为空时载入演示学院，启动后台任务并在 http://127.0.0.1:8000 提供服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只建库和载入演示数据，不启动服务")
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）")

    def handle(self, *args: Any, no_serve: bool, bind: str, **options: Any) -> None:
        from lianfang.core.demo import DEMO_PASSWORD, demo_accounts, load_demo

        call_command("migrate", interactive=False, verbosity=0)
        if Unit.objects.exists():
            self.stdout.write("数据库已有数据，未重复载入演示数据。")
        else:
            self.stdout.write("正在载入演示学院……")
            load_demo()
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role_label, scope in demo_accounts():
            self.stdout.write(f"  {username:<16} {_pad(role_label, 12)} {scope}")
        if no_serve:
            return
        self.stdout.write(f"\n打开 http://{bind}/ 登录。按 Ctrl+C 停止。\n")
        worker = subprocess.Popen([sys.executable, "-m", "lianfang.cli", "worker", "--verbosity", "0"])
        try:
            call_command("serve", bind=bind, workers=2)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
