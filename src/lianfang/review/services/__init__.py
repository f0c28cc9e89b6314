"""Writes of the review app. Import the module you need (sheets, comments, phases, notifications)."""
