"""Read-only figures for supervisors: the dashboard, the monthly report and queue exports.

Every selector here is scoped to the actor (complaints.selectors.case_visible_q); nothing here
writes a case. `summaries` keeps the per-day summary rows the expensive figures read.
"""
