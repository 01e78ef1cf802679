"""Who hears a report: the whole committee, or only the members the reporter picks."""
