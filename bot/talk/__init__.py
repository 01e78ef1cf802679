"""Talk first: a private, relayed conversation with a facilitator before any report."""
