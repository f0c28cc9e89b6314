"""SQL for the triggers that keep the audit table append-only, per database vendor."""

from __future__ import annotations

from django.db import connection

TABLE = "audit_auditentry"
MESSAGE = "audit log is append-only"


def create_guard_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION lianfang_audit_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
            f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION lianfang_audit_append_only()",
        ]
    return []


def drop_guard_sql(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}"]
    return []


def lift_guard() -> None:
    """Drop the triggers. Only for restore and for tests that play an attacker; call inside a transaction."""
    with connection.cursor() as cursor:
        for statement in drop_guard_sql(connection.vendor):
            cursor.execute(statement)


def restore_guard() -> None:
    with connection.cursor() as cursor:
        for statement in create_guard_sql(connection.vendor):
            cursor.execute(statement)
