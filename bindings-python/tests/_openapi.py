"""Shared by the provider-description tests: loading a description and
resolving its local `$ref`s (the descriptions have no cycles)."""

from __future__ import annotations

import pathlib
from typing import Any

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DESCRIPTIONS = sorted((ROOT / "docs/openapi").glob("*.yaml"))


def load(provider: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((ROOT / f"docs/openapi/{provider}.yaml").read_text())
    return doc


def deref(doc: dict[str, Any], node: Any) -> Any:
    """`node` with every local `$ref` replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return deref(doc, target)
        return {k: deref(doc, v) for k, v in node.items()}
    if isinstance(node, list):
        return [deref(doc, v) for v in node]
    return node
