"""What hurts: body regions, conditions, recovery timelines, red flags and their sources."""
