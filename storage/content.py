"""The one seam through which report content goes to and from the database.

Descriptions, snapshots, addenda, notes, the people named in a report and the reporter's identity are
all stored as sealed strings produced here. Encryption at rest and retention (blanking sealed values
after a retention period) belong in this module and nowhere else.
"""

from __future__ import annotations

import json
from typing import Any

_PREFIX = "v1:"


class ContentSeal:
    """Turns content into the string stored in the database and back.

    `v1:` is plain JSON; an encrypting seal would add its own prefix and keep reading `v1:` values so
    that existing databases keep working when encryption is switched on.
    """

    def seal(self, value: Any) -> str:
        return _PREFIX + json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def unseal(self, stored: str | None) -> Any:
        if stored is None:
            return None
        if not stored.startswith(_PREFIX):
            raise ValueError("sealed value has an unknown format")
        return json.loads(stored[len(_PREFIX):])


SEAL = ContentSeal()
