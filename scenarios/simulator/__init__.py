"""The simulator: parses the stories and replays them through the real bot (tests, `cocbot demo`)."""
