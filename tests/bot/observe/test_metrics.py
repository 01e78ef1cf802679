"""/metrics: Prometheus text with counts and timings, every label value from a fixed set."""

from __future__ import annotations

import re

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from cocbot.bot.observe.metrics import METHODS, OTHER, REMINDER_KINDS, REPORT_STATES
from cocbot.bot.outbox.worker import OUTCOMES
from tests.harness import Harness


async def scrape(bot: Harness) -> dict[str, list[tuple[dict[str, str], float]]]:
    base = bot.url.removesuffix("/slack/events")
    async with aiohttp.ClientSession() as http, http.get(f"{base}/metrics") as response:
        assert response.status == 200
        assert response.content_type == "text/plain"
        text = await response.text()
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(samples: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    return sum(v for got, v in samples.get(name, []) if all(got.get(k) == w for k, w in labels.items()))


async def test_reports_deliveries_and_the_outbox_are_counted_without_content_or_ids(bot: Harness) -> None:
    refs = [await bot.report(description=f"metrics report {n}") for n in range(2)]
    before = await scrape(bot)
    assert value(before, "cocbot_reports_received") == 2
    assert value(before, "cocbot_reports", state="new") == 2
    assert value(before, "cocbot_outbox_pending", kind="deliver_report") == 2
    assert value(before, "cocbot_outbox_oldest_pending_age_seconds", kind="deliver_report") >= 0
    await bot.drain()
    after = await scrape(bot)
    assert value(after, "cocbot_outbox_pending", kind="deliver_report") == 0
    assert value(after, "cocbot_outbox_deliveries_total", kind="deliver_report", outcome="delivered") == 2
    assert value(after, "cocbot_http_request_duration_seconds_count", route="/slack/events", method="POST") > 0
    assert value(after, "process_resident_memory_bytes") > 0  # the process collector

    kinds = set(bot.runtime.worker.handlers) | {OTHER}
    fixed = {"kind": kinds | REMINDER_KINDS, "outcome": set(OUTCOMES), "state": REPORT_STATES | {OTHER},
             "method": METHODS | {OTHER}, "status": {f"{n}xx" for n in range(1, 6)},
             "route": {r.canonical for r in bot._app.router.resources()} | {"unmatched"},  # type: ignore[union-attr]
             }
    for name, series in after.items():
        for labels, _ in series:
            for key, label in labels.items():
                assert key not in fixed or label in fixed[key], (name, key, label)
    own = [(name, labels) for name, series in after.items() if name.startswith("cocbot_") for labels, _ in series]
    assert own and all(set(labels) <= set(fixed) | {"le"} for _, labels in own), own
    # No report's ref, user id or words anywhere in the text.
    body = repr(after)
    for ref in refs:
        assert ref not in body
    assert not re.search(r"UREPORTER|metrics report", body)


async def test_a_path_nobody_declared_is_counted_as_unmatched_not_by_its_path(bot: Harness) -> None:
    base = bot.url.removesuffix("/slack/events")
    async with aiohttp.ClientSession() as http, http.get(f"{base}/some/UREPORTER/path") as response:
        assert response.status == 404
    samples = await scrape(bot)
    assert value(samples, "cocbot_http_request_duration_seconds_count", route="unmatched", status="4xx") == 1
    assert "UREPORTER" not in repr(samples)
