"""How to move: exercises, instructions, dose ladders, variations and their sources."""
