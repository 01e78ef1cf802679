"""The report form end to end in headless Chromium (Debian's chromium + chromium-driver), driven only by
the keyboard, with JavaScript switched off: a member PMs the bot, opens the link, files a report."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from typing import Any

import pytest

from cocbot.bot.i18n import LANGUAGES
from tests.handlers.discourse.conftest import ForumBot

CHROMIUM = os.environ.get("COCBOT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("COCBOT_CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")


def _browser() -> Any:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip(f"Chromium not found at {CHROMIUM} / {CHROMEDRIVER}: apt-get install -y chromium chromium-driver "
                    "(.ci/run does this)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    # The form must work without JavaScript: switch it off.
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


async def test_report_form_in_headless_chromium_with_the_keyboard_only(fbot: ForumBot) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = await asyncio.to_thread(_browser)
    try:
        await fbot.pm("rita", "hi, I want to report something")
        await fbot.drain()
        link = fbot.link_for("rita")

        def fill_in() -> tuple[str, str, list[str]]:
            driver.get(link)
            labels = [el.text for el in driver.find_elements(By.TAG_NAME, "label")]
            body = driver.find_element(By.TAG_NAME, "body")
            body.send_keys(Keys.TAB)  # keyboard only, from the top of the page
            # The language switch comes first, each language named in its own; then the first field.
            for lang in LANGUAGES:
                active = driver.switch_to.active_element
                assert active.get_attribute("hreflang") == lang.replace("_", "-"), "a language link is not a tab stop"
                active.send_keys(Keys.TAB)
            active = driver.switch_to.active_element
            assert active.get_attribute("id") == "description", "the first field is not the first tab stop after them"
            active.send_keys("Mallory sent me threatening messages after the meetup.")
            active.send_keys(Keys.TAB)
            driver.switch_to.active_element.send_keys("Saturday evening")  # when
            driver.switch_to.active_element.send_keys(Keys.TAB)
            driver.switch_to.active_element.send_keys("In private messages")  # where
            driver.switch_to.active_element.send_keys(Keys.TAB)
            driver.switch_to.active_element.send_keys("mallory")  # implicated
            # Radio groups: a keyboard user tabs into the group and picks with the arrow keys.
            anonymity = driver.find_element(By.ID, "anonymity-confidential")
            anonymity.send_keys(Keys.SPACE)
            anonymity.send_keys(Keys.ARROW_DOWN)  # → anonymous
            exclude = driver.find_element(By.ID, "exclude-carol")
            exclude.send_keys(Keys.SPACE)
            exclude.send_keys(Keys.ENTER)  # Enter in a form control submits the form
            return driver.title, driver.find_element(By.TAG_NAME, "body").text, labels

        title, text, labels = await asyncio.to_thread(fill_in)
        assert "What happened? (required)" in labels and "How should we handle your identity?" not in labels
        assert "received" in title, text
        ref = re.search(r"R-\d{4}", text).group(0)  # type: ignore[union-attr]
        await fbot.drain()
        report = await fbot.stored(ref)
        assert (report.reporter, report.anonymity, report.implicated, report.excluded) == \
            ("rita", "anonymous", ("mallory",), ("carol",))
        assert report.when == "Saturday evening"
        assert fbot.forum.who_saw("threatening messages") == {"alice", "bob"}

        def reuse() -> str:
            driver.get(link)
            return driver.find_element(By.TAG_NAME, "body").text

        assert "already been used" in await asyncio.to_thread(reuse)
    finally:
        await asyncio.to_thread(driver.quit)
