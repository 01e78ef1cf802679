"""Reporters cocbot cannot write back to.

A report from the public form has no account behind it, and a flag cocbot found by polling the forum
(its webhook was lost) does not say who flagged. Such reports are handled like any other, but nothing is
ever addressed to their reporter: no confirmation, no relayed question, no outcome.
"""

from __future__ import annotations

# Reporter ids with these prefixes are placeholders, not people on any platform.
UNREACHABLE_PREFIXES: tuple[str, ...] = ("public:", "unknown:")


def reachable(reporter: str) -> bool:
    return bool(reporter) and not reporter.startswith(UNREACHABLE_PREFIXES)


def public_reporter(nonce: str) -> str:
    """The reporter of a public-form report (someone without an account; one placeholder per report)."""
    return f"public:{nonce}"


def unknown_flagger(reviewable_id: int) -> str:
    """The reporter of a flag whose flagger cocbot does not know (one placeholder per flagged post)."""
    return f"unknown:flagger:{reviewable_id}"
