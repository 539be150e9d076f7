"""WorldCard's two descriptions (docs/openapi/worldcard.yaml for `Card/*`,
docs/openapi/worldcard-legacy.yaml for the legacy card and Transfer V4 APIs)
against the documentation's own JSON examples (tests/vectors/examples/,
extracted by tests/gen/examples.py, each with the page it comes from), judged
by `jsonschema`, not by cardwire: every request example validates against its
path's request schema (the plaintext inside the AES-GCM envelope for
`Card/*`) and is accepted by cardwire's validation; every response example
matches its path's response schema; every webhook example its event's
schema. The few examples the documents contradict are named below with the
side cardwire follows.
"""

from __future__ import annotations

import json
import pathlib
from typing import Any

import jsonschema
import pytest

import _openapi
import cardwire

ROOT = pathlib.Path(__file__).resolve().parents[2]
VALIDATOR = jsonschema.Draft202012Validator
PROVIDERS = {"worldcard": "worldcard", "worldcard-legacy": "worldcard_legacy"}


def examples(provider: str) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((ROOT / "tests/vectors/examples" / provider).glob("*.json"))]


def problems(schema: Any, value: Any) -> list[str]:
    v = VALIDATOR(schema, format_checker=VALIDATOR.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(value)]


def request_schema(doc: dict[str, Any], path: str) -> Any:
    media = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return _openapi.deref(doc, media.get("x-cardwire-plaintext", media["schema"]))


def response_schema(doc: dict[str, Any], path: str) -> Any:
    resp = _openapi.deref(doc, doc["paths"][path]["post"]["responses"]["200"])
    return resp["content"]["application/json"]["schema"]


def merged_data(doc: dict[str, Any], schema: Any) -> Any:
    """The `data` member's schema of an answer (its own, else its allOf members')."""
    s = _openapi.deref(doc, schema)
    for part in [s, *reversed(s.get("allOf", []))]:
        data = _openapi.deref(doc, part).get("properties", {}).get("data")
        if data:
            return data
    raise AssertionError("an answer without data")


def webhook_schema(doc: dict[str, Any], name: str) -> Any:
    media = doc["webhooks"][name]["post"]["requestBody"]["content"]["application/json"]
    return _openapi.deref(doc, media.get("x-cardwire-plaintext", media["schema"]))


# Examples the documents themselves contradict: (provider, example name) -> why, and what cardwire follows.
KNOWN: dict[tuple[str, str], str] = {
    ("worldcard-legacy", "bill_webhook_1_webhook"): "the Bill-Webhook example omits cardNumber and approvalCode, which its own table requires: cardwire follows the table (the webhook verifier does not refuse a body for a missing field; the description says required)",
    ("worldcard-legacy", "close_webhook_1_webhook"): "the close-Webhook example omits cardNumber, which its own table requires, and carries transCurrencyAmt, which the table does not list: cardwire follows the table",
}


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_every_example_matches_the_description(provider: str) -> None:
    doc = _openapi.load(provider)
    checked: dict[str, int] = {}
    failures = []
    for ex in examples(provider):
        kind, name = ex["kind"], ex["name"]
        assert kind != "fragment", f"{name}: an example no check reads ({ex['source']})"
        if kind == "request":
            schemas = [request_schema(doc, p) for p in ex["paths"]]
        elif kind == "response":
            schemas = [response_schema(doc, p) for p in ex["paths"]] or [_openapi.deref(doc, doc["components"]["schemas"]["Response"])]
            if ex.get("part") == "data":  # the page shows the answer's data alone
                schemas = [merged_data(doc, s) for s in schemas]
        elif kind == "webhook":
            hooks = ex["paths"] or [n for n in doc["webhooks"] if not problems(webhook_schema(doc, n), ex["body"])][:1]
            assert hooks, f"{name}: no webhook of the description takes this example ({ex['source']})"
            schemas = [webhook_schema(doc, h) for h in hooks]
            if ex.get("part") == "data":  # the page shows what the `data` string holds
                schemas = [s["properties"]["data"]["contentSchema"] for s in schemas]
        elif kind == "envelope":
            schemas = [_openapi.deref(doc, doc["components"]["schemas"]["Envelope"])]
        else:
            raise AssertionError(f"{name}: unknown kind {kind}")
        found = [p for s in schemas for p in problems(s, ex["body"])]
        if kind == "request":
            for path in ex["paths"]:
                try:
                    cardwire.validate(PROVIDERS[provider], path, ex["body"], today="2026-12-05")
                except cardwire.ValidationFailed as e:
                    found.append(f"cardwire refuses it: {e}")
        if (provider, name) in KNOWN:
            assert found, f"{name}: listed as contradicting the description, but it matches now"
        elif found:
            failures.append(f"{name} ({ex['source']}): {found}")
        checked[kind] = checked.get(kind, 0) + 1
    assert not failures, "\n".join(failures)
    # Every example kind the documents have was checked (a silent skip is a defect).
    assert checked.get("response", 0) >= 25, checked
    print(provider, checked)
