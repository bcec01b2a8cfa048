"""Server-rendered pages for runners and therapists.

Each module is one area of the site with its own `urlpatterns`; the decisions stay in the
planner services (plans, care, progress, reminders) that the API calls too, so both present
what one place decided.
"""
