"""Platform-neutral messages. Platforms render them; every user-supplied string is marked as such so
that renderers escape it (no pings, no disguised links)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Text:
    """Text written by cocbot itself (may use the renderer's emphasis via `bold`)."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class UserText:
    """Text a person typed. Always escaped by the renderer; shown under `label` when given."""

    label: str
    text: str
    quote: bool = False


@dataclass(frozen=True)
class People:
    """User ids rendered as mentions. The renderer checks each id's format before mentioning."""

    label: str
    user_ids: tuple[str, ...]
    empty: str = "none named"


@dataclass(frozen=True)
class Person:
    """One person, by their id in the domain. Each platform names them its own way: Slack mentions them, the
    forum shows the username the identity map links to them (never a Slack id), and neither pings from
    text a person typed, since a renderer checks the id's format first."""

    label: str
    user_id: str


@dataclass(frozen=True)
class LocalTime:
    """A moment (aware) that each reader sees in their own time zone: Slack's `<!date^…>`, Discourse's
    `[date=…]` markup."""

    label: str
    at: datetime


@dataclass(frozen=True)
class Facts:
    """Short label/value pairs written by cocbot (state, reference, times)."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Button:
    action_id: str
    label: str
    value: str
    style: str | None = None  # "primary" | "danger"


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Note:
    """Small print."""

    text: str


@dataclass(frozen=True)
class Channel:
    """A reference to a conversation (rendered as a channel link, never as a ping)."""

    label: str
    channel_id: str


@dataclass(frozen=True)
class Folded:
    """What people wrote about a report that has a content warning: kept behind `warning` (the warning's own
    text, as given). The forum folds `blocks` into an element the reader opens; Slack leaves them out, shows
    the warning and points at the message's View button (the whole report, recorded as read)."""

    warning: str
    blocks: tuple[Block, ...]


Block = Heading | Text | UserText | People | Person | LocalTime | Facts | Link | Buttons | Note | Channel | Folded


@dataclass(frozen=True)
class Message:
    # Notification text: shown in push notifications and previews, so it never holds report content.
    summary: str
    blocks: tuple[Block, ...] = field(default=())
    # True when the message shows anything of a report beyond its reference; the privacy gate then
    # insists on knowing which report it belongs to.
    carries_report_content: bool = False
    # Where the whole text can be read when a platform has to shorten the message to fit its limits
    # (a very long report or flagged message): the renderer adds this button only when it shortened.
    more: Button | None = None
    # The reader's language: the renderer's own words (a shortening note, the forum's reply hints) follow it.
    locale: str = "en"
