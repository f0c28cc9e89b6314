"""`lianfang complaints keygen [--force]`: write the key that encrypts complaint filers' identities
(settings.COMPLAINT_KEY_FILE, mode 0600; refuses to overwrite). `lianfang complaints check`: whether every
stored identity decrypts with the key file (after a restore or a move). `lianfang complaints list [--unit
CODE] [--status S]`: the queue as text (never the identities)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.actor import system_actor
from lianfang.core.errors import ServiceError
from lianfang.org.models import Unit

from ... import selectors
from ...crypto import decrypt_identity, key_path, write_key
from ...models import Complaint, ComplaintStatus


class Command(BaseCommand):
    help = "举报箱：生成加密密钥（keygen）、校验密钥（check）、列出举报（list）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        keygen = sub.add_parser("keygen", help="生成举报人信息加密密钥文件（权限 0600）")
        keygen.add_argument("--force", action="store_true", help="覆盖已有密钥（已加密的信息将无法读取）")
        sub.add_parser("check", help="校验每条实名举报的举报人信息都能用密钥文件解密")
        listing = sub.add_parser("list", help="列出举报（不含举报人信息）")
        listing.add_argument("--unit", default="", help="单位代码")
        listing.add_argument("--status", default="", choices=["", *ComplaintStatus.values], help="办理状态")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def do_keygen(self, options: dict[str, Any]) -> None:
        path = key_path()
        write_key(path, force=options["force"])
        self.stdout.write(
            f"已生成密钥文件 {path}（权限 0600）。请另行安全备份："
            "它不在数据库备份中，丢失后实名举报人信息无法读取。"
        )

    def do_check(self, options: dict[str, Any]) -> None:
        tokens = Complaint.objects.exclude(identity_token="").values_list("receipt_code", "identity_token")
        bad = []
        count = 0
        for code, token in tokens.iterator():
            count += 1
            try:
                decrypt_identity(token)
            except ServiceError:
                bad.append(code)
        if bad:
            raise CommandError(f"{len(bad)} 条举报人信息无法用 {key_path()} 解密：{'、'.join(bad[:20])}")
        self.stdout.write(f"密钥文件 {key_path()} 可解密全部 {count} 条实名举报人信息。")

    def do_list(self, options: dict[str, Any]) -> None:
        f = selectors.QueueFilter(status=options["status"])
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"没有代码为 {options['unit']} 的单位")
            f.unit_id = unit.pk
        qs = selectors.queue(system_actor("举报箱"), f)
        rows = 0
        for c in qs:
            rows += 1
            way = "匿名" if c.is_anonymous else "实名"
            self.stdout.write(
                f"{c.receipt_code}\t{c.filed_at:%Y-%m-%d %H:%M}\t{c.get_status_display()}\t{way}\t"
                f"{c.target_label}\t{c.title}"
            )
        self.stdout.write(f"共 {rows} 件。")
