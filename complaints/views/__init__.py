"""Server-rendered pages of the complaints app (README "Pages"), one module per page.

- `home`: the start page by role;
- `queue`: the case list with the API's filters;
- `workspace`: one case, with its panels and the seam `register_case_panel`;
- `intake`: the new-case form;
- `actions`: the POSTs of the workspace (transitions, notes, communications, attachments,
  extension, assignment, personal-data reveal).
"""
