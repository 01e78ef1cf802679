"""One listener per module, each with an explicit `register(app, services)`."""
