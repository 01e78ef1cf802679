"""The one path out (the delivery worker) and the one clock for due work."""
