"""On PostgreSQL, refuse UPDATE and DELETE of audit rows in the database itself.

TRUNCATE is left to the database owner (test runners empty tables with it);
the hash chain and an anchor kept outside the database reveal a truncation.
"""

from django.db import migrations

TABLES = ["audit_event", "audit_seal"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION onewindow_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the models refuse updates and deletes (onewindow.audit.models).
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION onewindow_audit_append_only()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS onewindow_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
