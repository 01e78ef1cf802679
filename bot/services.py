"""What platform handlers may call: the domain services, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from cocbot.bot.clock import Clock
from cocbot.bot.config.community import CommunityConfig
from cocbot.bot.reports.intake import Intake
from cocbot.bot.triage.service import TriageService
from cocbot.bot.duty.service import DutyService
from cocbot.bot.earlier.service import EarlierService
from cocbot.bot.holds.service import HoldService


@dataclass(frozen=True)
class Services:
    config: CommunityConfig
    clock: Clock
    intake: Intake
    triage: TriageService  # committee triage
    duty: DutyService  # on-duty shifts and calls
    holds: HoldService  # reports held until someone else names the same person
    earlier: EarlierService  # earlier cases, opened from a new case's listing
