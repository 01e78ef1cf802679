"""What platform handlers may call: the domain services, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import CommunityConfig
from bot.intake import Intake
from bot.triage_service import TriageService
from bot.duty_service import DutyService


@dataclass(frozen=True)
class Services:
    config: CommunityConfig
    clock: Clock
    intake: Intake
    triage: TriageService | None = None  # committee triage (issue 3)
    duty: DutyService | None = None  # on-duty shifts and calls (issue 4)
