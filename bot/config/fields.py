"""What every section of the community config is built from: frozen models, Slack id shapes, languages."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def check_user(value: str) -> str:
    if not USER_ID.match(value):
        raise ValueError(f"{value!r} is not a Slack user id (like U0123ABCD)")
    return value


def spoken(value: str) -> str:
    from cocbot.bot.i18n.catalogs import LANGUAGES, negotiate

    lang = negotiate(value)
    if lang == "en" and not value.lower().replace("-", "_").startswith("en"):
        raise ValueError(f"{value!r}: cocbot speaks {', '.join(LANGUAGES)} (or a regional variant of one)")
    return lang
