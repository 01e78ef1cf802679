"""The whole trail of a case, append-only and without content, and the case file export."""
