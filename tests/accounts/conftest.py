from tests.complaints.conftest import _migration_data  # noqa: F401 - reference rows after a flush
