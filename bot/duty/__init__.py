"""On-duty facilitators: shifts, calls, who is on duty where, announcements and App Home."""
