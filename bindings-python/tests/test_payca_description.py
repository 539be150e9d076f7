"""PayCA's description (docs/openapi/payca.yaml) against independent judges:
openapi-spec-validator, the JSON Schema validator `jsonschema`, Prism (the
npm mock server validating requests against the description) and PayCA's own
guide examples (tests/vectors/examples/payca/, extracted by
tests/gen/examples.py). cardwire's validation is compared with the
description's schemas over generated payloads (Hypothesis): neither may
accept what the other refuses, on the rules both express. (The tables
themselves are compared with the description rule for rule by
`cargo test -p xtask --test descriptions`.)
"""

from __future__ import annotations

import copy
import json
import pathlib
import re
from typing import Any, Iterator

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate as validate_openapi

import _openapi
import cardwire

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOC: dict[str, Any] = _openapi.load("payca")
EXAMPLES = [json.loads(p.read_text()) for p in sorted((ROOT / "tests/vectors/examples/payca").glob("*.json"))]
REQUESTS = [e for e in EXAMPLES if e["kind"] == "request"]


def deref(node: Any) -> Any:
    return _openapi.deref(DOC, node)


def template_of(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def operation(method: str, path: str) -> dict[str, Any]:
    for p, item in DOC["paths"].items():
        if template_of(p) == template_of(path) and method.lower() in item:
            return deref(item[method.lower()])
    raise AssertionError(f"{method} {path} is not in the description")


def body_schema(op: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    return op["requestBody"]["content"][media]["schema"]


VALIDATOR = jsonschema.Draft202012Validator
FORMATS = VALIDATOR.FORMAT_CHECKER


def schema_accepts(schema: dict[str, Any], value: Any) -> bool:
    return VALIDATOR(schema, format_checker=FORMATS).is_valid(value)


def cardwire_accepts(path: str, payload: Any) -> bool:
    try:
        cardwire.validate("payca", path, payload)
        return True
    except cardwire.ValidationFailed:
        return False


@pytest.mark.parametrize("path", _openapi.DESCRIPTIONS, ids=[p.stem for p in _openapi.DESCRIPTIONS])
def test_every_description_is_valid_openapi_3_1(path: pathlib.Path) -> None:
    import yaml

    doc = yaml.safe_load(path.read_text())
    validate_openapi(doc)
    assert doc["openapi"] == "3.1.0"


def test_every_guide_example_was_extracted_and_is_checked_here() -> None:
    assert [e["kind"] for e in EXAMPLES].count("request") == 8
    assert {e["source"].split(":")[0] for e in EXAMPLES} == {"PayCA integration guide"}
    assert len({e["document_sha256"] for e in EXAMPLES}) == 1, "all from one version of the guide"


@pytest.mark.parametrize("example", REQUESTS, ids=[e["name"] for e in REQUESTS])
def test_each_guide_request_is_valid_in_the_description_and_in_cardwire(example: dict[str, Any]) -> None:
    op = operation(example["method"], example["path"])
    if "body" in example:
        assert schema_accepts(body_schema(op), example["body"]), example["source"]
        template = next(p for p in DOC["paths"] if template_of(p) == template_of(example["path"]))
        assert cardwire_accepts(template, example["body"]), example["source"]
    elif "multipart" in example:
        schema = body_schema(op, "multipart/form-data")
        assert set(schema["required"]) <= set(example["multipart"]), example["source"]
        if "type" in example["multipart"]:
            assert example["multipart"]["type"] in schema["properties"]["type"]["x-cardwire-open-enum"]
    else:
        assert "requestBody" not in op, f"{example['source']}: the guide sends no body"


def test_the_descriptions_examples_are_the_guides() -> None:
    by_source = {e["source"].removeprefix("PayCA integration guide: "): e for e in REQUESTS}
    described = DOC["components"]["examples"]
    pairs = {
        "CreateUserB2B": "B2B Flow, Step 1 — Create user",
        "CreateUserB2C": "B2C Flow, Step 1 — Create user",
        "CreateCardholder": "B2B Flow, Step 3 — Create cardholder",
        "IssueCard": "B2B Flow, Step 5 — Issue card",
    }
    for name, source in pairs.items():
        assert described[name]["value"] == by_source[source]["body"], name
    assert len(described) == len(pairs)


def test_the_error_messages_are_the_guides() -> None:
    (errors,) = [e for e in EXAMPLES if e["kind"] == "error_messages"]
    assert DOC["x-cardwire-errors"]["messages"]["cardholder"] == errors["messages"]


# --- cardwire's validation against the description's schemas, over generated payloads.

USER = copy.deepcopy(DOC["components"]["examples"]["CreateUserB2C"]["value"])
CARD = copy.deepcopy(DOC["components"]["examples"]["IssueCard"]["value"])
# The ground both express: presence, formats, patterns, enums, lengths. Not
# JSON types (cardwire's tables check no types) and not null or "" in an
# optional field (cardwire's rules read both as absent; JSON Schema as a
# value of the wrong type or length): generated values stay on that ground.
# Emails are drawn where the two formats agree by definition (JSON Schema's
# `email` only asks for an @; cardwire's also wants a dot in the domain).
VALUES = {
    "text": st.sampled_from(["x", "NYC", "AB1234567", "123 Main St", "+1", "1"]),
    "email": st.sampled_from(["john@example.com", "john.example.com", "j@x.io"]),
    "phone": st.sampled_from(["5551234567", "555-123", "12a", "0"]),
    "birthday": st.sampled_from(["1990-01-15", "1990-02-30", "15/01/1990", "1990-1-5", "2000-12-31"]),
    "gender": st.sampled_from(["M", "F", "X", "m"]),
    "idType": st.sampled_from(["PASSPORT", "DLN", "ID_CARD"]),
    "balance": st.sampled_from(["100.00", "0", "-5.5", "1e3", "abc", "10."]),
    "idempotencyKey": st.integers(1, 300).map(lambda n: "k" * n),
    "object": st.just({}),
}
# For a required field, "" and null are refused by both.
MISSING = st.sampled_from(["", None])


def mutation(base: dict[str, Any], fields: dict[str, tuple[str, bool]]) -> st.SearchStrategy[dict[str, Any]]:
    """`base` with some fields dropped or replaced by values of their kind."""
    choices = {}
    for path, (kind, required) in fields.items():
        options = [st.just("keep"), st.just("drop"), VALUES[kind].map(lambda v: ("set", v))]
        if required:
            options.append(MISSING.map(lambda v: ("set", v)))
        choices[path] = st.one_of(*options)

    def apply(ops: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(base)
        for path, op in ops.items():
            *parents, leaf = path.split(".")
            node = out
            for p in parents:
                node = node.get(p) if isinstance(node, dict) else None
            if not isinstance(node, dict) or op == "keep":
                continue
            if op == "drop":
                node.pop(leaf, None)
            else:
                node[leaf] = copy.deepcopy(op[1])
        return out

    return st.fixed_dictionaries(choices).map(apply)


REQ, OPT = True, False
USER_FIELDS = {
    "externalId": ("text", REQ), "meta": ("object", OPT), "meta.firstName": ("text", REQ), "meta.lastName": ("text", REQ),
    "meta.email": ("email", REQ), "meta.phone": ("phone", REQ), "meta.phoneCode": ("text", REQ),
    "meta.birthday": ("birthday", REQ), "meta.country": ("text", REQ), "meta.town": ("text", REQ),
    "meta.address": ("text", REQ), "meta.postCode": ("text", REQ), "meta.gender": ("gender", OPT), "meta.idType": ("idType", OPT),
}
CARD_FIELDS = {"accountId": ("text", REQ), "bin": ("text", REQ), "balance": ("balance", REQ), "idempotencyKey": ("idempotencyKey", OPT)}


def agree(path: str, payload: dict[str, Any]) -> None:
    schema = body_schema(operation("POST", path))
    assert schema_accepts(schema, payload) == cardwire_accepts(path, payload), json.dumps(payload)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutation(USER, USER_FIELDS))
def test_users_cardwire_and_the_description_agree(payload: dict[str, Any]) -> None:
    agree("/v1/users", payload)


@settings(max_examples=300, deadline=None)
@given(mutation(CARD, CARD_FIELDS))
def test_cards_cardwire_and_the_description_agree(payload: dict[str, Any]) -> None:
    agree("/v1/cards", payload)


def test_the_generated_payloads_reach_both_verdicts() -> None:
    # A comparison that only ever sees valid payloads proves nothing.
    broken = copy.deepcopy(USER)
    broken["meta"]["gender"] = "X"
    assert not schema_accepts(body_schema(operation("POST", "/v1/users")), broken)
    assert not cardwire_accepts("/v1/users", broken)
    assert schema_accepts(body_schema(operation("POST", "/v1/users")), USER) and cardwire_accepts("/v1/users", USER)


# --- Prism: the requests cardwire builds, judged by a mock server of the description.


@pytest.fixture(scope="module")
def prism() -> Iterator[str]:
    yield from _openapi.prism("payca")


def send(base: str, req: Any) -> httpx.Response:
    return httpx.request(req["method"], base + req["path"], headers=dict(req["headers"]), content=bytes(req["body"]) if req["body"] else None, timeout=10)


def violations(resp: httpx.Response) -> str:
    return resp.headers.get("sl-violations", "") + (resp.text if resp.status_code in (400, 401, 422) else "")


CLIENT = cardwire.PayCaClient("client-1", "secret-1")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "usr-001", path)


@pytest.mark.parametrize("example", REQUESTS, ids=[e["name"] for e in REQUESTS])
def test_prism_finds_no_violation_in_what_cardwire_builds(prism: str, example: dict[str, Any]) -> None:
    path = concrete(example["path"])
    if "multipart" in example:
        parts = example["multipart"]
        if "type" in parts:
            req = CLIENT.upload_kyc_document("usr-001", "passport.jpg", "image/jpeg", b"\xff\xd8\xff", parts["type"])
        else:
            req = CLIENT.upload_cardholder_file("passport_front.jpg", "image/jpeg", b"\xff\xd8\xff")
    else:
        req = CLIENT.build_request(path, example.get("body"), method=example["method"], idempotency_key="k-1")
    resp = send(prism, req)
    assert resp.status_code < 400 and not resp.headers.get("sl-violations"), violations(resp)


def test_prism_finds_no_violation_in_every_other_documented_operation(prism: str) -> None:
    calls = [
        ("GET", "/v1/users/usr-001/cardholder", None, None),
        ("GET", "/v1/cardholders", None, [("limit", "100"), ("cursor", "c")]),
        ("GET", "/v1/cardholders/ch-1", None, None),
        ("GET", "/v1/cardholders/cities", None, [("limit", "10")]),
        ("GET", "/v1/cardholders/occupations", None, None),
        ("GET", "/v1/cardholders/regions", None, None),
        ("GET", "/v1/cards", None, [("limit", "5")]),
        ("POST", "/v1/webhooks", {"url": "https://shop.example.com/hooks", "type": "card_transaction"}, None),
        ("POST", "/v1/webhooks/resend", None, [("fromDate", "2026-01-01T00:00:00Z")]),
    ]
    for method, path, body, query in calls:
        req = CLIENT.build_request(path, body, method=method, query=query)
        resp = send(prism, req)
        assert resp.status_code < 400 and not resp.headers.get("sl-violations"), f"{method} {path}: {violations(resp)}"
    described = {(m.upper(), template_of(p)) for p, item in DOC["paths"].items() for m in item if m in ("get", "post")}
    sent = {(m, template_of(re.sub(r"usr-001|ch-1", "{}", p))) for m, p, _, _ in calls}
    sent |= {(e["method"], template_of(e["path"])) for e in REQUESTS}
    assert sent == described, "every documented operation is sent to Prism"


def test_prism_does_see_a_violation(prism: str) -> None:
    # The judge must be able to fail: a card without its balance, sent unvalidated.
    req = CLIENT.build_request("/v1/cards", {"accountId": "a", "bin": "537100"}, validate=False)
    resp = send(prism, req)
    assert resp.status_code == 422 and "balance" in violations(resp)
    # And without the client credentials.
    req = CLIENT.build_request("/v1/cardholders", None, method="GET")
    headers = {k: v for k, v in req["headers"].items() if k.lower() != "x-client-secret"}
    resp = httpx.get(prism + "/v1/cardholders", headers=headers, timeout=10)
    assert resp.status_code == 401, resp.text


WEBHOOK_VECTORS = [json.loads(p.read_text()) | {"file": p.name} for p in sorted((ROOT / "tests/vectors/payca").glob("webhook_*.json"))]
AUTHENTIC = [v for v in WEBHOOK_VECTORS if v["expect"] == "ok"]


@pytest.mark.parametrize("vector", AUTHENTIC, ids=[v["file"] for v in AUTHENTIC])
def test_each_authentic_webhook_matches_its_described_event(vector: dict[str, Any]) -> None:
    # The signature header as the description writes it, and the body as the
    # schema of the event cardwire types it as (kyc: the undocumented shape).
    sig = next(v for k, v in vector["headers"] if k.lower() == "x-signature")
    header = deref(DOC["components"]["parameters"]["WebhookSignature"])
    assert re.fullmatch(header["schema"]["pattern"], sig), sig
    event = cardwire.PayCaClient(vector["client_id"], vector["client_secret"]).check_webhook(vector["headers"], vector["body"], now_ms=vector["now_ms"])
    name = event["type"] if event["type"] in DOC["webhooks"] else "kyc"
    schema = deref(DOC["webhooks"][name]["post"]["requestBody"]["content"]["application/json"]["schema"])
    assert schema_accepts(schema, json.loads(vector["body"])), f"{vector['file']}: {name}"
    assert DOC["webhooks"][name]["post"]["responses"].keys() == {str(DOC["x-cardwire-acknowledge"]["status"])}


def test_every_described_webhook_has_an_authentic_vector() -> None:
    seen = set()
    for v in AUTHENTIC:
        t = cardwire.PayCaClient(v["client_id"], v["client_secret"]).check_webhook(v["headers"], v["body"], now_ms=v["now_ms"])["type"]
        seen.add(t if t in DOC["webhooks"] else "kyc")
    assert seen == set(DOC["webhooks"])
