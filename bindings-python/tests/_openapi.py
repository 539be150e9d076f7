"""Shared by the provider-description tests: loading a description and
resolving its local `$ref`s (the descriptions have no cycles)."""

from __future__ import annotations

import pathlib
import socket
import subprocess
import time
from typing import Any, Iterator

import httpx
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DESCRIPTIONS = sorted((ROOT / "docs/openapi").glob("*.yaml"))
PRISM = ROOT / "bindings-node/node_modules/.bin/prism"


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


def prism(provider: str) -> Iterator[str]:
    """Prism mocking docs/openapi/<provider>.yaml on a loopback port, validating every request (`--errors`)."""
    if not PRISM.exists():
        pytest.fail("Prism is not installed: run npm ci in bindings-node (make setup-js)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), "--errors", str(ROOT / f"docs/openapi/{provider}.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            httpx.get(base + "/", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"Prism did not start: {proc.stdout.read() if proc.stdout else ''}")
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
