"""Committee triage: the rules, the service applying them, and what is delivered."""
