"""Settings from the environment and the community's config, each read once into a frozen object."""
