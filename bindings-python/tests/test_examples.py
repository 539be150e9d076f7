"""The README's Python quick start and examples/python/ run as written."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def run(args: list[str]) -> str:
    return subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True, text=True, timeout=120).stdout


def test_readme_quick_start() -> None:
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## Python quick start.*?```python\n(.*?)```", readme, re.S)
    assert code
    out = run(["-c", code.group(1)])
    assert "POST /api/v1/card/deposit True" in out
    assert "validation_failed {'amount': ['must be at least 10']}" in out
    assert "card_open False True" in out
    assert "b'ok'" in out


def test_stdlib_receivers() -> None:
    out = run(["examples/python/stdlib_receivers.py"])
    for provider in ("worldcard", "legacy", "wasabi", "pintopay", "payca"):
        assert re.search(rf"^{provider}: delivery 20[04], redelivery 20[04], forgery 401$", out, re.M), out
    assert "handled once each: worldcard:card_deposit, legacy:top_up, wasabi:card_transaction, pintopay:card.transaction, payca:card_transaction" in out


def test_sign_requests() -> None:
    out = run(["examples/python/sign_requests.py"])
    assert "gateway: GET /api/v1/work-orders/?pageNum=1" in out
    assert "refused before sending: {'amount': ['must be at least 10']}" in out


def test_typed_events() -> None:
    out = run(["examples/python/typed_events.py"])
    assert out.strip() == "card_deposit 25.00", out
