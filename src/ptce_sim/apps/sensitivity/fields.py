"""Typed fields of a sensitivity study file: integers with a floor, tables, known keys.

Why a module of its own: ``spec.py`` (the study) and ``factors.py`` (its factors) read
their fields the same way, each problem one ``ConfigError`` naming the file, the key as
written (``morris.trajectories``), the value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ptce_sim.base.errors import ConfigError, suggest


def integer(
    data: Mapping[str, Any],
    key: str,
    default: int,
    lo: int,
    src: str,
    why: str = "",
    prefix: str = "",
) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError("wrong type, expected an integer", src, prefix + key, value)
    if value < lo:
        message = f"must be at least {lo}" + (f" ({why})" if why else "")
        raise ConfigError(message, src, prefix + key, value, allowed=f"an integer >= {lo}")
    return value


def table(data: Mapping[str, Any], key: str, src: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"'{key}' must be a table [{key}]", src, key, value)
    return value


def known_keys(table: Mapping[str, Any], allowed: tuple[str, ...], src: str, section: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                "unknown key",
                src,
                f"{section}.{key}",
                hint=suggest(key, allowed),
                allowed="one of " + ", ".join(allowed),
            )
