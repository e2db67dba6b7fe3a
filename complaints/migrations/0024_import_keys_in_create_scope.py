"""Keys of the bulk import move into the single create's scope (`complaints.create`), where the
import now claims them: one key is one case whichever endpoint sends it.

A key that both scopes hold (a single create after an import with the same key, before this
change) stays where it is: the single create's record wins, and the import's is pruned with the
other expired keys within a day.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef

OLD_SCOPE = "complaints.import"
NEW_SCOPE = "complaints.create"


# Idempotent: tests/reference_data.py re-runs every RunPython after a transactional test's flush.
def move_import_keys(apps, schema_editor):
    Record = apps.get_model("common", "IdempotencyRecord")
    taken = Record.objects.filter(user_id=OuterRef("user_id"), scope=NEW_SCOPE, key=OuterRef("key"))
    Record.objects.filter(scope=OLD_SCOPE).exclude(Exists(taken)).update(scope=NEW_SCOPE)


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0002_drop_covered_indexes"),
        ("complaints", "0023_drop_covered_indexes"),
    ]

    operations = [migrations.RunPython(move_import_keys, migrations.RunPython.noop)]
