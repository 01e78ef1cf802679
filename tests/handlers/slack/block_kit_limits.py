"""Slack's Block Kit limits, checked on whatever the bot builds.

The JSON Schema in the shared specs (checked too, when present) knows per-element limits but not the
surface's: a message holds 50 blocks, a modal or the Home tab 100. Beyond the limits, every mrkdwn text is
checked for what a cut in the wrong place, or a missing escape, would leave: a stray `&`, `<` or `>`, or a
bare broadcast word.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakes.specs import check_slack_call, have_specs

SURFACE_BLOCKS = {"message": 50, "modal": 100, "home": 100}
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_TOKEN = re.compile(r"<(?:@[UW][A-Z0-9]+|#[CGD][A-Z0-9]+|!date\^\d+\^[^<>|]+\|[^<>]+|https://[^\s<>|]+\|[^<>]+)>")
_BROADCAST = re.compile(r"@(here|channel|everyone|group)\b", re.IGNORECASE)


def _text(obj: Any, where: str, limit: int, out: list[str]) -> None:
    if not isinstance(obj, dict) or "text" not in obj:
        out.append(f"{where}: not a text object")
        return
    text = obj["text"]
    if not isinstance(text, str) or not text:
        out.append(f"{where}: empty text")
        return
    if len(text) > limit:
        out.append(f"{where}: {len(text)} characters (limit {limit})")
    if obj.get("type") == "mrkdwn":
        bare = _TOKEN.sub("", _ENTITY.sub("", text))
        for sigil in "&<>":
            if sigil in bare:
                out.append(f"{where}: a bare {sigil!r} (an escape or a mention was cut, or never made): "
                           f"…{bare[max(0, bare.index(sigil) - 30):bare.index(sigil) + 30]!r}…")
        if _BROADCAST.search(text):
            out.append(f"{where}: a broadcast word Slack would act on")


def _element(el: dict[str, Any], where: str, out: list[str]) -> None:
    kind = el.get("type")
    if kind == "button":
        _text(el.get("text"), f"{where}.text", 75, out)
        if "value" in el and not (1 <= len(el["value"]) <= 2000):
            out.append(f"{where}: button value of {len(el['value'])} characters")
    if "placeholder" in el:
        _text(el["placeholder"], f"{where}.placeholder", 150, out)
    for i, option in enumerate(el.get("options") or []):
        _text(option.get("text"), f"{where}.options[{i}]", 75, out)
        if not (1 <= len(option.get("value", "")) <= 150):
            out.append(f"{where}.options[{i}]: value of {len(option.get('value', ''))} characters")
    if kind == "radio_buttons" and len(el.get("options") or []) > 10:
        out.append(f"{where}: more than 10 radio buttons")
    if kind == "static_select" and len(el.get("options") or []) > 100:
        out.append(f"{where}: more than 100 options")
    if kind == "plain_text_input":
        if len(el.get("initial_value", "")) > el.get("max_length", 3000):
            out.append(f"{where}: initial value longer than max_length")


def problems(payload: Any, surface: str) -> list[str]:
    """Every broken limit of a message's blocks (a list) or a view (a dict) shown on `surface`."""
    out: list[str] = []
    blocks = payload if surface == "message" else payload.get("blocks", [])
    if not 1 <= len(blocks) <= SURFACE_BLOCKS[surface]:
        out.append(f"{len(blocks)} blocks in a {surface} (limit {SURFACE_BLOCKS[surface]})")
    if surface == "modal":
        for key in ("title", "submit", "close"):
            if key in payload:
                _text(payload[key], key, 24, out)
    if surface != "message":
        if len(payload.get("private_metadata", "")) > 3000:
            out.append("private_metadata longer than 3000 characters")
        if len(payload.get("callback_id", "")) > 255:
            out.append("callback_id longer than 255 characters")
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]({block.get('type')})"
        kind = block.get("type")
        if kind == "section":
            if "text" in block:
                _text(block["text"], where, 3000, out)
            if "fields" in block:
                if len(block["fields"]) > 10:
                    out.append(f"{where}: more than 10 fields")
                for j, f in enumerate(block["fields"]):
                    _text(f, f"{where}.fields[{j}]", 2000, out)
        elif kind == "header":
            _text(block.get("text"), where, 150, out)
        elif kind == "context":
            if not 1 <= len(block.get("elements", [])) <= 10:
                out.append(f"{where}: {len(block.get('elements', []))} elements")
            for j, el in enumerate(block.get("elements", [])):
                _text(el, f"{where}.elements[{j}]", 3000, out)
        elif kind == "actions":
            if not 1 <= len(block.get("elements", [])) <= 25:
                out.append(f"{where}: {len(block.get('elements', []))} elements")
            ids = [el.get("action_id") for el in block.get("elements", [])]
            if len(ids) != len(set(ids)):
                out.append(f"{where}: the same action_id twice")
            for j, el in enumerate(block.get("elements", [])):
                _element(el, f"{where}.elements[{j}]", out)
        elif kind == "input":
            _text(block.get("label"), f"{where}.label", 2000, out)
            if "hint" in block:
                _text(block["hint"], f"{where}.hint", 2000, out)
            _element(block.get("element") or {}, f"{where}.element", out)
        elif kind != "divider":
            out.append(f"{where}: a block type the bot is not expected to build")
    if have_specs():
        if surface == "message":
            out += check_slack_call("chat.postMessage", {"channel": "C1", "text": "t", "blocks": blocks})
        elif surface == "modal":
            out += check_slack_call("views.open", {"trigger_id": "1.2.3", "view": payload})
        else:
            out += check_slack_call("views.publish", {"user_id": "U1", "view": payload})
    return out
