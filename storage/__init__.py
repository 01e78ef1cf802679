"""Persistence: SQLModel tables, the async engine/session lifecycle, the content seam and all queries."""
