"""Who may do what with contact records, conduct rules and reports (docs/api-guide.md), via `rules`.

Checks on a case follow the case: whoever may see it reads them, whoever may work it runs one.
"""

import rules

from complaints.rules import is_admin, is_api_client, is_auditor, is_supervisor

rules.add_perm("conduct.import_contacts", is_admin | is_supervisor | is_api_client)
rules.add_perm("conduct.view_rules", is_admin | is_supervisor | is_auditor)
rules.add_perm("conduct.change_rules", is_admin)
rules.add_perm("conduct.view_reports", is_admin | is_supervisor | is_auditor)
