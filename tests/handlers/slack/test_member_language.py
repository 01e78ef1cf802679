"""A member reads cocbot in their own Slack language; the committee reads its space in the community's."""

from __future__ import annotations

from cocbot.bot.i18n import translator
from tests.harness import COMMITTEE_CHANNEL, GENERAL, Harness


async def test_a_spanish_speaking_member_reports_in_spanish_and_the_committee_reads_english(bot: Harness) -> None:
    bot.fake.users["UREPORTER"]["locale"] = "es-ES"
    await bot.slash("UREPORTER", GENERAL)
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None and view["title"]["text"] == "Comunicar una inquietud"
    assert "¿Qué pasó?" in str(view["blocks"]) and view["submit"]["text"] == "Enviar reporte"
    lookups = [c for c in bot.fake.calls if c.method == "users.info" and c.params.get("user") == "UREPORTER"]
    assert lookups and all(str(c.params.get("include_locale")).lower() in ("true", "1") for c in lookups)

    ref = await bot.report(description="Me interrumpió una y otra vez en la llamada")
    await bot.drain()
    [dm] = bot.fake.dms_to("UREPORTER")
    assert dm["text"] == f"Hemos recibido tu reporte {ref}"
    assert "Añadir información" in str(dm["blocks"]) and "24 horas" in str(dm["blocks"])
    [post] = bot.fake.messages_in(COMMITTEE_CHANNEL)
    assert f"Code of Conduct report {ref}" in str(post["blocks"]) and "What happened" in str(post["blocks"])
    # The member's language is looked up once and then cached: the next /report asks Slack nothing.
    before = len([c for c in bot.fake.calls if c.method == "users.info"])
    await bot.slash("UREPORTER", GENERAL)
    assert len([c for c in bot.fake.calls if c.method == "users.info"]) == before


async def test_an_unknown_language_falls_back_to_the_closest_then_english(bot: Harness) -> None:
    bot.fake.users["UREPORTER"]["locale"] = "ja-JP"
    await bot.slash("UREPORTER", GENERAL)
    view = bot.fake.open_view_for("UREPORTER")
    assert view is not None and view["title"]["text"] == "Report a concern"
    assert translator("es-MX").locale == "es" and translator("pt").locale == "pt_BR"


async def test_user_text_is_escaped_the_same_way_in_every_language(bot: Harness) -> None:
    bot.fake.users["UREPORTER"]["locale"] = "es-ES"
    ref = await bot.report(description="<!channel> *hola* <@UALICE> & <https://evil.example|aquí>")
    await bot.drain()
    [post] = bot.fake.messages_in(COMMITTEE_CHANNEL)
    shown = str(post["blocks"])
    assert "<!channel>" not in shown and "<@UALICE>" not in shown and "&lt;!channel&gt;" in shown
    assert ref in shown
