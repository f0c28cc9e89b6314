"""Make the audit table append-only in the database itself: UPDATE and DELETE are refused.

The hash chain detects tampering by anyone; these triggers stop the application (or a slip at a SQL prompt)
from changing history in the first place. Restoring a backup lifts them inside its own transaction.
"""

from django.db import migrations

from lianfang.audit.dbguard import create_guard_sql, drop_guard_sql


def forwards(apps, schema_editor):
    for statement in create_guard_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in drop_guard_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
