"""Rules layer: one module per rule, each a frozen parameter dataclass and pure functions.

Rules never import Mesa, pandas or each other: to change the trust rule a researcher
opens ``rules/trust.py`` and nothing else.
"""
