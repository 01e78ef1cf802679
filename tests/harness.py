"""Re-exports the shared end-to-end driver so tests read `from tests.harness import …`."""

from cocbot.scenarios.simulator.harness import *  # noqa: F401,F403
from cocbot.scenarios.simulator.harness import (  # noqa: F401
    BOT_TOKEN, COMMITTEE_CHANNEL, ESCALATION, GENERAL, MEMBERS, SIGNING_SECRET, Harness, Response, config_dict,
    make_config, reference_in, sign, standard_world, state_values,
)
