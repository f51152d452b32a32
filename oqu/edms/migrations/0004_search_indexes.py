"""Search indexes on PostgreSQL (EDMS-23 p.6): full text with the `simple` configuration (no
stemming, so Kazakh and Russian words match as written) and trigrams for parts of words.

Guarded by vendor: SQLite migrates without them and searches with a portable fallback.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS edms_doc_fts ON edms_document "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))",
    "CREATE INDEX IF NOT EXISTS edms_doc_trgm ON edms_document "
    "USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS edms_doc_trgm", "DROP INDEX IF EXISTS edms_doc_fts"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("edms", "0003_capabilities")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
