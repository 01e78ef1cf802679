"""The private report form over HTTP: one-time, bound, expiring, signed; validation; the public form."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
import pytest

from cocbot.bot.clock import ManualClock
from cocbot.storage import reports as reports_q
from tests.fakes.slack import FakeSlack
from tests.handlers.discourse.conftest import ForumBot, _forum_bot


async def reports(bot: ForumBot) -> list[reports_q.ReportRecord]:
    out = []
    async with bot.runtime.db.transaction() as session:
        for i in range(1, 50):
            r = await reports_q.get_report(session, i)
            if r is None:
                break
            out.append(r)
    return out


async def test_report_through_the_form_reaches_only_the_eligible_committee_and_confirms_by_pm(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description="Mallory kept mocking my posts", implicated="@Mallory, wanda",
                            anonymity="confidential", ongoing="yes", exclude=["carol"])
    await fbot.drain()
    report = await fbot.stored(ref)
    assert (report.platform, report.source, report.reporter) == ("discourse", "form", "rita")
    assert report.implicated == ("mallory", "wanda") and report.excluded == ("carol",)
    assert report.ongoing == "yes"
    assert fbot.forum.who_saw("Mallory kept mocking") == {"alice", "bob"}
    space = next(t for t in fbot.forum.topics.values() if t.external_id == f"coc-{ref.lower()}")
    assert space.allowed == {"cocbot", "alice", "bob"}
    assert not [c for c in fbot.forum.calls if c.path.endswith("/invite.json")]  # named when created
    confirmation = [t for t in fbot.forum.bot_posts_to("rita") if f"Your report {ref} was received" in t]
    assert len(confirmation) == 1 and "Reply to this message" in confirmation[0]
    assert (report.delivery_state, report.space_kind) == ("delivered", "private_space")


async def test_the_form_page_is_plain_accessible_html(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    status, page = await fbot.get(fbot.link_for("rita"))
    assert status == 200
    assert "<script" not in page.lower()
    for control in re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', page):
        assert f'for="{control}"' in page, f"{control} has no label"
    assert page.count("<fieldset") == page.count("<legend>") >= 4
    assert 'lang="en"' in page and "aria-describedby" in page


async def test_a_link_works_once(fbot: ForumBot) -> None:
    ref = await fbot.report("rita", description="First and only")
    link = fbot.link_for("rita")
    status, page = await fbot.submit(link, {"description": "A second report with the same link"})
    assert status == 410 and "already been used" in page and ref in page
    assert (await fbot.get(link))[0] == 410
    assert [r.description for r in await reports(fbot)] == ["First and only"]


async def test_two_tabs_sending_one_link_at_once_file_one_report_and_the_second_is_told(
        fbot: ForumBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    link = fbot.link_for("rita")
    token = await fbot.form_token(link)
    # Both submits pass the link check before either is stored: the moment two tabs race.
    intake = fbot.edge.service.intake
    store = intake.submit
    arrived: list[str] = []
    both = asyncio.Event()

    async def together(draft: Any) -> Any:
        arrived.append(draft.description)
        if len(arrived) == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 30)
        return await store(draft)

    monkeypatch.setattr(intake, "submit", together)
    answers = await asyncio.gather(fbot.submit(link, {"description": "Told in the first tab"}, token=token),
                                   fbot.submit(link, {"description": "Told in the second tab"}, token=token))
    assert len(arrived) == 2
    [stored] = await reports(fbot)
    received = [(status, page) for status, page in answers if status == 200]
    refused = [(status, page) for status, page in answers if status != 200]
    assert len(received) == 1 and f"Your report {stored.ref} was received" in received[0][1]
    [(status, page)] = refused
    assert status == 409 and "already used" in page and "not added" in page and stored.ref in page
    # The text that was stored is the one whose sender was told it was received.
    winner = "first" if "first tab" in stored.description else "second"
    assert answers[0 if winner == "first" else 1][0] == 200


async def test_cross_site_posts_to_a_link_file_nothing_and_leave_the_link_usable(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    link = fbot.link_for("rita")
    forged = {"description": "Posted by another website"}
    for headers, token in (({"Origin": "https://evil.example"}, None),
                           ({"Referer": "https://evil.example/page"}, None),
                           ({"Origin": "null"}, ""),  # a sandboxed page without our token
                           ({}, "not-the-token")):
        status, page = await fbot.submit(link, forged, headers=headers, token=token)
        assert status == 403 and "another site" in page and "nothing was filed" in page, (headers, token)
    assert await reports(fbot) == []
    # Our own page under no-referrer sends `Origin: null` and its token: accepted.
    status, page = await fbot.submit(link, {"description": "From the form itself"}, headers={"Origin": "null"})
    assert status == 200 and "was received" in page
    assert [r.description for r in await reports(fbot)] == ["From the form itself"]


async def test_cross_site_posts_to_the_public_form_are_refused(slack: FakeSlack, forum: Any, sqlite_url: str,
                                                               clock: ManualClock) -> None:
    bot = await _forum_bot(slack, forum, sqlite_url, clock, committee_space="discourse", public_form=True,
                           public_form_per_hour=100)
    url = bot.base + "/discourse/report"
    try:
        # Another site can fetch the page and copy its token, but the visitor's browser does not send our
        # SameSite=Strict cookie with that site's POST.
        token = await bot.form_token(url)
        async with aiohttp.ClientSession() as victim:
            async with victim.post(url, data={"csrf": token, "description": "Forged public report"}) as resp:
                assert resp.status == 403 and "another site" in await resp.text()
        status, page = await bot.submit(url, {"description": "Forged with an origin"},
                                        headers={"Origin": "https://evil.example"})
        assert status == 403
        assert await reports(bot) == []
        status, page = await bot.submit(url, {"description": "A real public report"},
                                        headers={"Origin": "https://cocbot.example.org"})
        assert status == 200 and "note your reference" in page
        assert [r.description for r in await reports(bot)] == ["A real public report"]
    finally:
        await bot.close()
        await bot.harness.stop()


async def test_an_expired_link_files_nothing(fbot: ForumBot, clock: ManualClock) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    link = fbot.link_for("rita")
    clock.advance(minutes=31)
    status, page = await fbot.submit(link, {"description": "Too late"})
    assert status == 410 and "expire" in page
    assert await reports(fbot) == []


async def test_a_forged_or_moved_link_files_nothing(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.pm("wanda")
    await fbot.drain()
    rita, wanda = fbot.link_for("rita"), fbot.link_for("wanda")
    rita_id, rita_sig = rita.rsplit("/", 1)[1].split(".")
    wanda_id, wanda_sig = wanda.rsplit("/", 1)[1].split(".")
    base = rita.rsplit("/", 1)[0]
    for forged in (f"{rita_id}.{wanda_sig}", f"{wanda_id}.{rita_sig}", f"{rita_id}.{rita_sig[:-2]}AA", rita_id,
                   "nonsense", f"{rita_id}.{rita_sig}x"):
        status, page = await fbot.submit(f"{base}/{forged}", {"description": "forged"})
        assert status == 404 and "not valid" in page, forged
    assert await reports(fbot) == []


async def test_mistakes_are_shown_next_to_their_fields_and_the_link_still_works(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    link = fbot.link_for("rita")
    status, page = await fbot.submit(link, {"description": "  ", "implicated": "not a name!", "when": "Tuesday"})
    assert status == 422
    assert 'href="#description"' in page and 'href="#implicated"' in page
    assert 'aria-invalid="true"' in page and 'value="Tuesday"' in page  # what was typed is kept
    status, page = await fbot.submit(link, {"description": "Now with a description", "when": "Tuesday"})
    assert status == 200 and re.search(r"R-\d{4}", page)


async def test_user_text_is_escaped_on_the_page_and_in_the_committee_pm(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    link = fbot.link_for("rita")
    status, page = await fbot.submit(link, {"description": "", "when": '"><script>alert(1)</script>'})
    assert status == 422 and "<script>alert" not in page and "&lt;script&gt;" in page
    nasty = "@everyone see [this](https://evil.example) <img src=x onerror=alert(1)> #staff"
    status, _ = await fbot.submit(link, {"description": nasty})
    assert status == 200
    await fbot.drain()
    [raw] = [c.body["raw"] for c in fbot.forum.calls_to("POST", "/posts.json")
             if c.body.get("topic_id") and "evil" in c.body.get("raw", "")]
    account = raw[raw.index("see"):raw.index("staff") + 5]
    # Every Markdown/HTML/mention sigil the reporter typed is backslash-escaped; mentions are also broken.
    assert not re.search(r"(?<!\\)[\[\]()<>@#]", account), account
    assert "@everyone" not in raw and "#staff" not in raw
    assert fbot.forum.who_saw(nasty) == {"alice", "bob", "carol"}  # shown as the text it was


async def test_public_form_is_off_by_default(fbot: ForumBot) -> None:
    assert (await fbot.get(fbot.base + "/discourse/report"))[0] in (404, 405)


async def test_public_form_files_anonymous_reports_and_is_rate_limited(slack: FakeSlack, forum, sqlite_url: str,
                                                                       clock: ManualClock) -> None:
    bot = await _forum_bot(slack, forum, sqlite_url, clock, committee_space="discourse", public_form=True,
                           public_form_per_hour=2)
    try:
        status, page = await bot.get(bot.base + "/discourse/report")
        assert status == 200 and "not signed in" in page
        for i in range(2):
            status, page = await bot.submit(bot.base + "/discourse/report", {"description": f"public {i}",
                                                                             "anonymity": "named"})
            assert status == 200 and "note your reference" in page
        status, page = await bot.submit(bot.base + "/discourse/report", {"description": "one too many"})
        assert status == 429
        await bot.drain()
        filed = await reports(bot)
        assert [r.anonymity for r in filed] == ["anonymous", "anonymous"]
        assert forum.who_saw("public 0") == {"alice", "bob", "carol"}
        post = next(t for t in forum.bot_posts_to("alice") if "public 0" in t)
        assert "Cannot be contacted: the public report form" in post and "public:" not in post
    finally:
        await bot.close()
        await bot.harness.stop()


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_form_colours_meet_wcag_aa_contrast() -> None:
    from cocbot.handlers.discourse.form import CSS

    pairs = [("#1a1a1a", "#ffffff"), ("#3d3d3d", "#ffffff"), ("#ffffff", "#0b57d0"), ("#a30000", "#ffffff"),
             ("#1a1a1a", "#eef3fd"), ("#1a1a1a", "#fdeeee"), ("#4a4a4a", "#ffffff")]
    for fg, bg in pairs:
        assert fg in CSS and bg in CSS
        assert contrast(fg, bg) >= 4.5, (fg, bg, contrast(fg, bg))



def test_the_forum_form_page_does_not_claim_delivery_at_submit() -> None:
    from cocbot.handlers.discourse.form import received_page
    from tests.harness import make_config

    page = received_page(make_config(), "R-0007", danger=False, public=True).text or ""
    assert "has been passed" not in page and "cocbot is passing it to the committee" in page
