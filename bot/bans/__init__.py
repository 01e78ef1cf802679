"""Bans enforced: where a ban applies, alerts when a banned person is there, removal or suspension, the end."""
