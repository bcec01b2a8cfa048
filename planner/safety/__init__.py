"""Warning signs: the screening before a plan and at each check-in, the clearance that lets a
runner go on, and the alerts a therapist must hear at once."""
