"""Successive committees: the config's committee list decides who reads what, at every start and action."""
