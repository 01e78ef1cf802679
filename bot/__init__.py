"""cocbot domain: reports, routing, privacy gate, outbox, config and the composition root."""
