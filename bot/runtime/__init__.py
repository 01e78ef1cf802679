"""The composition root: builds and wires every resource of a running bot, with its lifetime."""
