"""A local stand-in for Slack: the fake Web API and a driver that sends signed requests like Slack does.

Shipped with the package (not only the tests) because `cocbot demo` and `cocbot scenarios check` replay
stories against it with no Slack credentials.
"""
