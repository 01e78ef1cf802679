"""A forum member reads cocbot in their profile's language, on the form page too (with a switch and the
browser's Accept-Language); the committee reads the report in the community's language."""

from __future__ import annotations

from tests.handlers.discourse.conftest import ForumBot


async def test_a_member_with_a_french_profile_gets_everything_in_french(fbot: ForumBot) -> None:
    fbot.forum.add_user("rita", locale="fr")
    await fbot.pm("rita")
    await fbot.drain()
    [link_pm] = fbot.forum.bot_posts_to("rita")
    assert "Signaler un problème lié au Code de conduite" in link_pm and "lang=fr" in link_pm
    link = fbot.link_for("rita") + "?lang=fr"  # as the private message gives it
    status, page = await fbot.get(link)
    assert status == 200 and 'lang="fr"' in page and "Que s’est-il passé ?" in page
    assert '<input type="hidden" name="lang" value="fr">' in page
    # The visible switch: every language, each named in its own.
    assert "Español" in page and "English" in page and 'hreflang="pt-BR"' in page
    # The browser sends the page's hidden `lang` with the form.
    status, page = await fbot.submit(fbot.link_for("rita"), {"description": "Il m’a insultée dans un fil.",
                                                             "lang": "fr"})
    assert status == 200 and "Merci" in page
    await fbot.drain()
    confirmation = [t for t in fbot.forum.bot_posts_to("rita") if "a bien été reçu" in t]
    assert len(confirmation) == 1 and "répondez à ce message" in confirmation[0].lower()
    committee = [t for t in fbot.forum.bot_posts_to("alice") if "Il m’a insultée" in t]
    assert committee and "What happened" in committee[0]


async def test_the_form_page_follows_the_browser_and_the_switch(fbot: ForumBot) -> None:
    await fbot.pm("rita")
    await fbot.drain()
    link = fbot.link_for("rita")
    async with fbot.http.get(link, headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"}) as resp:
        page = await resp.text()
    assert 'lang="de"' in page
    status, page = await fbot.get(link + "?lang=es")
    assert status == 200 and 'lang="es"' in page and "¿Qué pasó?" in page
    status, page = await fbot.get(link)
    assert 'lang="en"' in page and "What happened?" in page
