"""Deadlines and reminders: when the committee's promises fall due and what is said then."""
