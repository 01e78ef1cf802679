"""What platform handlers may call: the domain services, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.intake import Intake
from cocbot.bot.triage.service import TriageService
from cocbot.bot.duty.service import DutyService
from cocbot.bot.bans.service import BanService
from cocbot.bot.talk.service import TalkService
from cocbot.bot.safety.paging import SafetyService
from cocbot.bot.reports.readers import ReadersService
from cocbot.bot.reports.behalf import BehalfService
from cocbot.bot.reports.warnings import ContentWarnings
from cocbot.bot.transparency.service import TransparencyService


@dataclass(frozen=True)
class Services:
    config: CommunityConfig
    clock: Clock
    intake: Intake
    triage: TriageService  # committee triage
    duty: DutyService  # on-duty shifts and calls
    bans: BanService | None = None  # bans enforced: someone banned turning up where the ban applies
    talk: TalkService | None = None  # talk-first conversations (the composition root always sets it)
    safety: SafetyService | None = None  # danger pages: "I'm on it"
    readers: ReadersService | None = None  # the reporter's answer about who may see their report
    behalf: BehalfService | None = None  # confirming a report filed on someone's behalf
    warnings: ContentWarnings | None = None  # content warnings the committee adds
    transparency: TransparencyService | None = None  # the transparency report for committee members
