"""The fake Slack Web API, wired to check every call against Slack's published specs."""

from cocbot.handlers.slack.testing.fake_api import Call, FakeChannel, FakeSlack as _FakeSlack, Fault, Seen, flatten
from tests.fakes.specs import check_slack_call, have_specs


class FakeSlack(_FakeSlack):
    def __init__(self) -> None:
        super().__init__(checker=check_slack_call if have_specs() else None)


__all__ = ["Call", "FakeChannel", "FakeSlack", "Fault", "Seen", "flatten"]
