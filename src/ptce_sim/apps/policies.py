"""The shipped funding policies ``ptce-sim compare`` runs when no scenario is named.

In a module of their own (no pandas, no model) so that ``compare`` can name them in its
first line, within a second of starting.
"""

from __future__ import annotations

#: Shipped funding policies compared by ``ptce-sim compare`` with no scenario named.
DEFAULT_POLICIES: tuple[str, ...] = (
    "no_support",
    "dues_only",
    "local_subsidy",
    "calls_only",
    "matching_funds",
    "structural",
)
