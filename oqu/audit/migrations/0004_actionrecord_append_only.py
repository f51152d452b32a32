"""Make the action journal append-only in PostgreSQL: UPDATE and DELETE of a row are refused (G-5.16).

The hash chain detects any change made around this trigger (by a superuser who disables it, or in
the file system); the trigger stops ordinary mistakes and application bugs first. SQLite (the
embedded and offline node) relies on the chain alone.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_actionrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the action journal is append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER actionrecord_append_only
    BEFORE UPDATE OR DELETE ON audit_actionrecord
    FOR EACH ROW EXECUTE FUNCTION audit_actionrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS actionrecord_append_only ON audit_actionrecord;
DROP FUNCTION IF EXISTS audit_actionrecord_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_actionrecord_hash_chain")]

    operations = [migrations.RunPython(forwards, backwards)]
