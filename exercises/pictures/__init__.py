"""Pictures of exercises drawn by the app: a simple body model posed by joint angles, the start
and end of each exercise turned into SVG by pure functions."""
