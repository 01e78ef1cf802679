"""The values published in cocbot.example.yml and cocbot.discourse.example.yml, refused in a real config.

They parse (the examples must, so `cocbot scenarios check` and the demo can replay them), but a bot that
starts with them is broken or open: a committee channel nobody owns, committee ids of strangers, and a
webhook secret anyone can read on GitHub and use to sign webhooks and report-form links. `cocbot run` and
`cocbot check-config` list every such key at once, naming it.
"""

from __future__ import annotations

from collections.abc import Iterable

from cocbot.bot.config.community import CommunityConfig

# Every Slack id in the example files, commented-out ones included (a test keeps this in step with them).
EXAMPLE_SLACK_IDS = frozenset({
    "C0123COMMIT", "C0123GENRL", "C0123CALLS",
    "U01AAA", "U02BBB", "U03CCC", "U04DDD", "U05EEE", "U09ZZZ",
})
# The examples' secrets all start like this, so none can be mistaken for a real one.
SECRET_PLACEHOLDER_PREFIX = "replace-with"
# RFC 2606 reserves these names for documentation: no real forum or bot lives there.
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net", "example")


def _example_host(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS)


def example_value_problems(config: CommunityConfig) -> list[str]:
    """One problem per key that still holds a value from the example files."""
    problems: list[str] = []

    def ids(key: str, values: str | Iterable[str] | None) -> None:
        found = [v for v in ((values,) if isinstance(values, str) else values or ()) if v in EXAMPLE_SLACK_IDS]
        if found:
            problems.append(f"{key}: {', '.join(found)} {'is an example id' if len(found) == 1 else 'are example ids'}"
                            " from cocbot.example.yml; put your own Slack ids there")

    if config.uses_slack:
        ids("committee.channel", config.committee.channel)
        ids("committee.members", config.committee.members)
        ids("committee.escalation_contact", config.committee.escalation_contact)
        ids("committee.chair", config.committee.chair)
        ids("triage.announcement_channel", config.triage.announcement_channel)
        ids("duty.facilitators", config.duty.facilitators)
        ids("duty.announce_channel", config.duty.announce_channel)
        ids("duty.discourse_topics", tuple(config.duty.discourse_topics))
    forum = config.discourse
    if forum is not None:
        ids("discourse.identities", tuple(forum.identities))
        for key, secret in (("discourse.api_key", forum.api_key), ("discourse.webhook_secret", forum.webhook_secret)):
            if secret.strip().lower().startswith(SECRET_PLACEHOLDER_PREFIX):
                problems.append(f"{key}: still the placeholder from the example config; "
                                + ("create an API key in Discourse (Admin → API → New key)" if key.endswith("api_key")
                                   else "choose a long random secret (e.g. `openssl rand -hex 32`) and set the "
                                        "same one in Discourse's webhook"))
        for key, url in (("discourse.base_url", forum.base_url), ("discourse.public_url", forum.public_url)):
            if _example_host(url):
                problems.append(f"{key}: {url} is an example address; put your "
                                + ("forum's address" if key.endswith("base_url")
                                   else "address where people's browsers reach cocbot"))
    return problems
