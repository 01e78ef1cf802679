"""Neutral messages as Discourse Markdown: people by forum username, times in each reader's zone, nothing
anyone typed can mention, link or format, and posts within the forum's longest post, cut in people's text
only, never the people, notices or replies that follow it."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cocbot.bot.reports import texts
from cocbot.bot.messages import Button, Buttons, LocalTime, Message, People, Person, UserText
from cocbot.handlers.discourse.render import MAX_RAW, forum_name, render
from cocbot.handlers.discourse.testing.fake_api import readable
from cocbot.storage.reports import ReportRecord
from tests.harness import make_config

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
TEXT = st.one_of(st.text(max_size=200), st.builds(lambda unit, n: (unit * n)[:45000],
                                                  st.sampled_from(["&", "@everyone ", "[x](y) ", "\n", "word ", "#"]),
                                                  st.integers(1, 45000)))


def _report(description: str, snapshot: str) -> ReportRecord:
    return ReportRecord(
        id=7, ref="R-0007", platform="discourse", source="discourse_flag", created_at=NOW, anonymity="confidential",
        reporter="rita", description=description, when="", where_channel=None, where_text="", implicated=("mallory",),
        implicated_other="", witnesses=(), excluded=("carol",), ongoing="yes", danger=False,
        flagged_channel="topic:5", flagged_ts="12", flagged_author="mallory", flagged_permalink=None,
        snapshot=snapshot, state="new", delivery_state="delivered", space_kind="private_space",
        space_channel="topic:9", space_invited=True, message_ts=None)


def test_a_long_flagged_post_is_shortened_and_the_exclusions_and_commands_stay() -> None:
    snapshot = "@everyone look at this! " * 1330  # 31,920 characters that grow when escaped
    raw = render(texts.committee_report(_report("He posted this in my topic.", snapshot), make_config(), NOW))
    assert len(raw) <= MAX_RAW
    shown = readable(raw)
    assert "He posted this in my topic." in shown
    assert "Excluded by the reporter" in shown and "carol" in shown
    assert "Reply “ack” to acknowledge" in shown
    assert "shortened to fit the forum's longest post" in shown and "@everyone" not in raw


@settings(max_examples=40, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(TEXT, TEXT, TEXT)
def test_any_post_fits_and_keeps_what_follows_the_text(first: str, second: str, label: str) -> None:
    message = Message("s", (UserText(label[:100], first), UserText("", second, quote=True),
                            People("Excluded by the reporter", ("carol",)),
                            Buttons((Button("triage_acknowledge", "Acknowledge", "R-1"),))))
    raw = render(message)
    assert len(raw) <= MAX_RAW
    assert raw.endswith("*Reply “ack” to acknowledge\\.*") and "carol" in raw
AT = datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)


def test_a_person_is_named_by_forum_username_and_never_by_slack_id() -> None:
    names = {"UFAC1": "fiona"}.get
    raw = render(Message("s", (Person("On duty", "UFAC1"), Person("Handing over", "UFAC2"))), names)
    assert "**On duty**: fiona \\(forum username\\)" in raw
    assert "UFAC2" not in raw and "a facilitator who is reachable on Slack" in raw


def test_a_forum_name_cannot_mention_or_link() -> None:
    raw = render(Message("s", (Person("On duty", "@everyone [x](https://evil.example)"),)))
    assert "@everyone" not in raw and "](" not in raw


def test_a_local_time_uses_the_date_markup() -> None:
    assert render(Message("s", (LocalTime("Until", AT),))) == \
        '**Until**: [date=2026-03-02 time=11:00:00 timezone="UTC"]'


def test_forum_name_follows_the_identity_map_or_is_the_person_on_a_forum_only_community() -> None:
    forum = {"base_url": "https://forum.example.org", "api_key": "k" * 20, "api_username": "cocbot",
             "webhook_secret": "s" * 40, "public_url": "https://cocbot.example.org", "identities": {"UFAC1": "fiona"}}
    both = make_config(discourse=forum)
    assert forum_name("UFAC1", both) == "fiona" and forum_name("UFAC2", both) is None
    # Someone the forum itself brought (a forum username) stays who they are.
    assert forum_name("mallory", both) == "mallory"


def test_people_are_named_by_forum_username_and_a_slack_id_is_never_shown() -> None:
    names = {"UALICE": "alice"}.get
    raw = render(Message("s", (People("Private committee note by", ("UALICE",)),
                               People("People involved", ("UBOB", "UALICE", "UCAROL")))),
                 lambda person: names(person) if person.startswith("U") else person)
    assert "**Private committee note by**: alice" in raw
    assert r"**People involved**: alice, 2 people on Slack \(no linked forum account\)" in raw
    assert "UBOB" not in raw and "UCAROL" not in raw and "UALICE" not in raw


def test_a_long_text_behind_a_warning_is_shortened_inside_its_element_which_stays_closed() -> None:
    from cocbot.bot.messages import Folded, Note

    for unit, warning in (("a", "violence"), (".", "violence"), ("@", "violence"), ("a", "w" * 40000)):
        raw = render(Message("s", (People("Private committee note by", ("alice",)),
                                   Folded(warning, (UserText("", unit * 40000),)), Note("cocbot's own words"))))
        assert len(raw) <= MAX_RAW
        head, _, rest = raw.partition('[details="')
        assert "alice" in head and unit * 3 not in head
        assert rest.count("[/details]") == 1 and rest.endswith("[/details]\n\n<small>cocbot\\'s own words</small>")
        assert "shortened to fit" in readable(rest)




@settings(max_examples=60, deadline=None)
@given(warning=st.text(max_size=300), text=st.one_of(st.text(max_size=500),
                                                    st.just('[/details] [details="x"] @everyone')))
def test_text_behind_a_content_warning_is_one_details_element_whatever_anyone_typed(warning: str, text: str) -> None:
    from cocbot.bot.messages import Folded

    raw = render(Message("s", (Folded(warning, (UserText("", text),)),)))
    head, _, rest = raw.partition('[details="')
    summary, _, body = rest.partition('"]')
    assert head == "" and summary and not any(c in summary for c in '"[]<>\r\n\\')
    assert "@" not in summary.replace("@\u2060", "")  # nobody mentioned from the summary
    assert body.endswith("[/details]") and body.count("[/details]") == 1  # what they typed cannot close it
    assert '[details="' not in body
