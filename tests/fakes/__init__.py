"""Local fakes of the platforms' Web APIs, recording transcripts instead of mocking calls."""
