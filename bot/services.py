"""What platform handlers may call: the domain services, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.i18n import Translator, translator
from cocbot.bot.i18n.members import MemberLocales
from cocbot.bot.reports.intake import Intake
from cocbot.bot.triage.service import TriageService
from cocbot.bot.duty.service import DutyService
from cocbot.bot.bans.service import BanService
from cocbot.bot.talk.service import TalkService
from cocbot.bot.safety.paging import SafetyService
from cocbot.bot.reports.readers.service import ReadersService
from cocbot.bot.reports.behalf.service import BehalfService
from cocbot.bot.reports.warnings import ContentWarnings
from cocbot.bot.transparency.service import TransparencyService
from cocbot.bot.earlier.service import EarlierService
from cocbot.bot.holds.service import HoldService


# Slack's trigger lasts 3 seconds; a locale lookup may use this much of it before a modal opens regardless.
LOCALE_BUDGET_SECONDS = 0.6


@dataclass(frozen=True)
class Services:
    config: CommunityConfig
    clock: Clock
    intake: Intake
    triage: TriageService  # committee triage
    duty: DutyService  # on-duty shifts and calls
    holds: HoldService  # reports held until someone else names the same person
    earlier: EarlierService  # earlier cases, opened from a new case's listing
    bans: BanService | None = None  # bans enforced: someone banned turning up where the ban applies
    talk: TalkService | None = None  # talk-first conversations (the composition root always sets it)
    safety: SafetyService | None = None  # danger pages: "I'm on it"
    readers: ReadersService | None = None  # the reporter's answer about who may see their report
    behalf: BehalfService | None = None  # confirming a report filed on someone's behalf
    warnings: ContentWarnings | None = None  # content warnings the committee adds
    transparency: TransparencyService | None = None  # the transparency report for committee members
    # Each member's language (their platform profile), cached; None: everyone reads community.language.
    locales: MemberLocales | None = None

    def member_translator(self, platform: str, user: str | None) -> Translator:
        """The member's language without waiting (a form must open at once): cached, else the community's,
        looked up in the background for next time."""
        if self.locales is None or not user:
            return translator(self.config.community.language)
        return self.locales.translator_now(platform, user, self.config.community.language)

    async def member_translator_soon(self, platform: str, user: str | None) -> Translator:
        """For a form that must open within the platform's window: the member's language when cached or
        known within LOCALE_BUDGET_SECONDS, else the community's (and the member's next text is theirs)."""
        if self.locales is None or not user:
            return translator(self.config.community.language)
        return await self.locales.translator_within(platform, user, self.config.community.language,
                                                    LOCALE_BUDGET_SECONDS)

    def committee_translator(self) -> Translator:
        """What the committee reads: its spaces, its forms and its answers follow `community.language`."""
        return translator(self.config.community.language)

    async def member_translator_lookup(self, platform: str, user: str | None) -> Translator:
        """The member's language, looked up now if needed (for a message sent after an answer)."""
        if self.locales is None or not user:
            return translator(self.config.community.language)
        return await self.locales.translator_for(platform, user, self.config.community.language)
