"""Platform edges: they ack, translate payloads into neutral types, call the domain and render views."""
