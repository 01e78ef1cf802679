"""Reports filed on someone's behalf (a verbal report written down by a facilitator), confirmed later."""
