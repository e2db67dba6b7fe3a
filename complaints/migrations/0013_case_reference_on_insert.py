"""The case reference is completed by the INSERT itself (PostgreSQL), not by a second UPDATE.

`case_create` inserts the reference's date prefix (`TS20261203`); this BEFORE INSERT trigger
appends the new row's id, zero-padded to 7 digits, so the reference stays unique (it derives
from the primary key) and keeps its format in one statement. Other databases (SQLite for
`make run`) have no trigger: `case_create` writes the reference with an UPDATE there.
"""

from django.db import migrations

from common.migration_ops import run_on_postgresql

CREATE = """
CREATE OR REPLACE FUNCTION complaints_case_reference_complete() RETURNS trigger AS $$
BEGIN
    IF NEW.reference ~ '^TS[0-9]{8}$' THEN
        NEW.reference := NEW.reference || lpad(NEW.id::text, greatest(7, length(NEW.id::text)), '0');
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS case_reference_complete ON complaints_complaintcase;
CREATE TRIGGER case_reference_complete BEFORE INSERT ON complaints_complaintcase
    FOR EACH ROW EXECUTE FUNCTION complaints_case_reference_complete();
"""

DROP = """
DROP TRIGGER IF EXISTS case_reference_complete ON complaints_complaintcase;
DROP FUNCTION IF EXISTS complaints_case_reference_complete();
"""


class Migration(migrations.Migration):
    dependencies = [("complaints", "0012_attachment_download_log_and_encrypted_files")]
    operations = [run_on_postgresql(CREATE, DROP)]
