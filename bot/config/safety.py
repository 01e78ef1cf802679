"""The `safety` section: who to call when someone may be in immediate danger, and how fast a person must
answer a page. Read once at start-up like every other section."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cocbot.bot.config.durations import parse_duration


class SafetyResource(BaseModel):
    """Police, emergency numbers, venue security, a hotline. `calls` (call names as `cocbot calls` lists
    them) and `channels` (channel ids) narrow it to those events; with neither it applies everywhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    reach: str = Field(min_length=1, max_length=300, description="how to reach them: a number, a link, a place")
    calls: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @property
    def everywhere(self) -> bool:
        return not self.calls and not self.channels

    def applies(self, *, channel: str | None = None, call: str | None = None) -> bool:
        if self.everywhere:
            return True
        wanted = {c.lower() for c in self.calls}
        return (channel is not None and channel in self.channels) or (call is not None and call.lower() in wanted)


class Safety(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    resources: tuple[SafetyResource, ...] = ()
    # Someone paged about immediate danger must answer within this, round the clock (no working hours).
    acknowledge_within_minutes: float = Field(default=60, gt=0, le=7 * 24 * 60)
    # Until someone answers, everyone paged is paged again this often.
    page_every_minutes: float = Field(default=15, ge=1, le=24 * 60)

    @model_validator(mode="before")
    @classmethod
    def _durations(cls, data: Any) -> Any:
        """`acknowledge_within: 1h` and `page_every: 15m`, the readable spellings."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key, target in (("acknowledge_within", "acknowledge_within_minutes"), ("page_every", "page_every_minutes")):
            if key in data:
                if target in data:
                    raise ValueError(f"give either {key} or {target}, not both")
                try:
                    data[target] = parse_duration(str(data.pop(key))).total_seconds() / 60
                except ValueError as exc:
                    raise ValueError(f"{key}: {exc}") from None
        return data

    @field_validator("resources")
    @classmethod
    def _names(cls, v: tuple[SafetyResource, ...]) -> tuple[SafetyResource, ...]:
        names = [r.name.strip().lower() for r in v]
        if len(set(names)) != len(names):
            raise ValueError("a safety resource is listed twice (same name)")
        return v

    def resources_for(self, *, channel: str | None = None, calls: tuple[str, ...] = ()) -> tuple[SafetyResource, ...]:
        """Those for everywhere, then those for this channel or any of these calls."""
        return tuple(r for r in self.resources
                     if r.applies(channel=channel) or any(r.applies(call=c) for c in calls))
