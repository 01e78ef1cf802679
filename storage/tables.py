"""Every module that defines tables, imported so SQLModel.metadata knows them before create_all."""

import cocbot.storage.models  # noqa: F401
import cocbot.storage.duty  # noqa: F401
import cocbot.storage.triage  # noqa: F401
import cocbot.storage.discourse  # noqa: F401
import cocbot.storage.bans  # noqa: F401
import cocbot.storage.talk  # noqa: F401
import cocbot.storage.retention  # noqa: F401
import cocbot.storage.statistics  # noqa: F401
import cocbot.storage.committees  # noqa: F401
import cocbot.storage.earlier  # noqa: F401
import cocbot.storage.holds  # noqa: F401
