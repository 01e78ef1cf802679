"""Retention: the purge of what cocbot stored, once the community's retention periods have passed."""
