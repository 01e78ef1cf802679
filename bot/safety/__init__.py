"""Help now: emergency contacts shown where people need them, and paging when someone is in danger."""
