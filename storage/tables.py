"""Every module that defines tables, imported so SQLModel.metadata knows them before create_all."""

import storage.models  # noqa: F401
import storage.duty  # noqa: F401
import storage.triage  # noqa: F401
import storage.discourse  # noqa: F401
