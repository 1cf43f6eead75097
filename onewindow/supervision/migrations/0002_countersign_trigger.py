"""On PostgreSQL, the database itself refuses an applied proposal whose countersigner is not
certified in the proposal's role (on record), or is the proposer.

The check constraint ``proposal_applied_is_countersigned`` already refuses an applied
proposal without a countersigner or countersigned by its proposer on every database; this
trigger adds what a check constraint cannot see: the countersigner's qualification row. On
SQLite the application refuses it (``supervision.actions.do_countersign_proposal``).
"""

from django.db import migrations

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION onewindow_proposal_countersigned() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'applied' AND NOT EXISTS (
        SELECT 1 FROM supervision_qualification q
        WHERE q.user_id = NEW.countersigned_by_id AND q.role = NEW.role AND q.status = 'certified'
    ) THEN
        RAISE EXCEPTION 'proposal %: the countersigner is not certified in the role %', NEW.id, NEW.role
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER supervision_proposal_countersigned BEFORE INSERT OR UPDATE ON supervision_proposal "
        "FOR EACH ROW EXECUTE FUNCTION onewindow_proposal_countersigned()"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS supervision_proposal_countersigned ON supervision_proposal")
    schema_editor.execute("DROP FUNCTION IF EXISTS onewindow_proposal_countersigned()")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
