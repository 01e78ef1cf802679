"""A local stand-in for Discourse: the fake API (shipped so demos and scenarios can replay stories)."""
