"""Who saw whose health data, and when: a record for the person the data is about.

Knows nothing of plans: callers (planner/api/*, and the pages) say who looked, at whose data,
and what it was, in words (`record_view`, `record_views`). Arrows point one way: planner ->
audit.
"""
