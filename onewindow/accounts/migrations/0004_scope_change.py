"""``ScopeChange``: a row per change to what decides a user's reach, written by triggers.

A user's scope (``accounts.scopes.scope_of``) is read from memberships, confidentiality
agreements, qualifications, offices and areas. Triggers on those five tables insert a row with
a random token into ``accounts_scopechange`` on every insert, update or delete (and truncate,
on PostgreSQL), whatever made it, so that the shared scope cache, keyed by the newest token,
never answers for a state that has changed. On PostgreSQL one row per statement; on SQLite,
which has no statement triggers, one per changed row. A random token rather than the row's id
alone: SQLite reuses the id of a rolled-back insert.
"""

import secrets

from django.db import migrations, models
from django.utils import timezone

WATCHED = (
    "accounts_membership",
    "accounts_confidentialityagreement",
    "supervision_qualification",
    "offices_office",
    "offices_area",
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION onewindow_scope_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO accounts_scopechange (token, changed_at) VALUES (gen_random_uuid()::text, now());
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_INSERT = (
    "INSERT INTO accounts_scopechange (token, changed_at) "
    "VALUES (lower(hex(randomblob(16))), strftime('%Y-%m-%d %H:%M:%f', 'now'))"
)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in WATCHED:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_scope_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION onewindow_scope_changed()"
            )
    elif vendor == "sqlite":
        for table in WATCHED:
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_scope_changed_{event.lower()} AFTER {event} ON {table} "
                    f"BEGIN {SQLITE_INSERT}; END",
                    params=None,
                )
    # The first token, random like the triggers' (two databases never share a state's name).
    apps.get_model("accounts", "ScopeChange").objects.using(schema_editor.connection.alias).create(
        token=secrets.token_hex(16), changed_at=timezone.now()
    )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in WATCHED:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_scope_changed ON {table}")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_scope_changed_{event}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS onewindow_scope_changed()")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_confidentiality_agreement"),
        ("offices", "0002_alter_office_kind_openinghours_servicewindow"),
        ("supervision", "0003_training_modules"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScopeChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=64)),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "scope change",
                "verbose_name_plural": "scope changes",
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
