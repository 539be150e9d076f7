"""The requests cardwire builds for the plain-JSON providers (the Wasabi Open
API, the Wasabi gateway, WorldCard legacy and Transfer V4), judged by Prism
(the npm mock server, validating each request against the description it
serves) and by `jsonschema`: for every described operation, the smallest
payload the description asks for (its required fields, with values the
schema's own formats, patterns, enums and bounds allow, and the fields an
`if`/`then` adds when the payload meets its condition) is built by cardwire
(validation on), then sent. cardwire must accept it, and Prism must see no
violation. The documents' own request examples go through the same path.
Prism must also be able to fail: a request without a required field, built
with validation off, is refused.

Then the differential: from the same minimal payloads, every single-field
change and Hypothesis' combinations of changes get the same verdict from
`jsonschema` (on the description) and from cardwire's validation, for these
providers and for WorldCard `Card/*`'s sealed plaintexts.

PayCA has its own file (test_payca_description.py); WorldCard `Card/*` and
PinToPay seal every body, so Prism has nothing to read there.
"""

from __future__ import annotations

import decimal
import functools
import json
import pathlib
from typing import Any

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import _openapi
import cardwire

ROOT = pathlib.Path(__file__).resolve().parents[2]
VALIDATOR = jsonschema.Draft202012Validator


def rsa_pair() -> tuple[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


PRIVATE, PUBLIC = rsa_pair()

PROVIDERS: dict[str, Any] = {
    "wasabi": lambda: cardwire.WasabiMerchant("api-key-1", PRIVATE, PUBLIC),
    "wasabi-gateway": lambda: cardwire.WasabiGateway("wc_key"),
    # The description declares appKey as a query parameter (OpenAPI has no body-borne credential);
    # cardwire's query placement matches it (the default sends the common parameters in the body).
    "worldcard-legacy": lambda: cardwire.WorldCardLegacy("app-key-1", "0123456789abcdef0123456789abcdef", params_in="query"),
}

# Values for the formats and patterns the descriptions use (docs/openapi/EXTENSIONS.md).
PATTERN_VALUES = {
    "^[0-9]+$": "12345678",
    "^[A-Z]{2}$": "US",
    "^[A-Z]{3}$": "USD",
    "^[A-Za-z]+( [A-Za-z]+)*$": "John",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$": "2026-01-02 03:04:05",
    "^[A-Za-z0-9]+$": "abc123",
}


def value_for(doc: dict[str, Any], name: str, schema: dict[str, Any]) -> Any:
    """A value the schema accepts (the first enum value, a format's example, a bound)."""
    s = _openapi.deref(doc, schema)
    if "const" in s:
        return s["const"]
    if "enum" in s:
        return s["enum"][0]
    if "x-cardwire-open-enum" in s:
        return s["x-cardwire-open-enum"][0]
    if "x-cardwire-decimal" in s:
        d = s["x-cardwire-decimal"]
        v = d.get("min") or "10"
        # An exact decimal: text where documented so, else a Decimal (never a float; cardwire refuses one).
        return v if d.get("text") or s.get("type") == "string" else decimal.Decimal(v) if "." in v else int(v)
    for c in s.get("x-cardwire-checks", []):
        if c == "WasabiPin":
            return "135790"
        if isinstance(c, dict) and "Base64MaxBytes" in c:
            return "aGVsbG8="
    t = s.get("type")
    if isinstance(t, list):
        t = next(x for x in t if x != "null")
    if t == "integer":
        return s.get("minimum", 1)
    if t == "number":
        return s.get("minimum", 1)
    if t == "boolean":
        return True
    if t == "array":
        item = s.get("items", {})
        return [payload_for(doc, item)] if _openapi.deref(doc, item).get("properties") else [value_for(doc, name, item)]
    if t == "object" or "properties" in s:
        return payload_for(doc, s)
    if s.get("format") == "email":
        return "jane@example.com"
    if s.get("format") == "date":
        return "1990-01-15"
    if s.get("format") == "date-time" or "anyOf" in s:
        return "2026-01-02T03:04:05Z"
    if "pattern" in s:
        v = PATTERN_VALUES.get(s["pattern"], "x")
        if s["pattern"] == "^[0-9]+$":  # digits, as many as the length asks (no repeats or runs: a valid PIN too)
            n = min(max(s.get("minLength", 8), 1), s.get("maxLength", 8))
            v = ("1357902468" * 8)[:n]
        return v
    n = max(s.get("minLength", 1), 1)
    return ("v" * n)[: s.get("maxLength", n)]


def meets(doc: dict[str, Any], cond: dict[str, Any], payload: dict[str, Any]) -> bool:
    return VALIDATOR(_openapi.deref(doc, cond)).is_valid(payload)


def payload_for(doc: dict[str, Any], schema: Any) -> dict[str, Any]:
    """The required fields of `schema`, then those its `if`/`then` and `anyOf` groups add."""
    s = _openapi.deref(doc, schema)
    props = s.get("properties", {})
    out: dict[str, Any] = {}
    for name in s.get("required", []):
        out[name] = value_for(doc, name, props.get(name, {"type": "string"}))
    for _ in range(3):  # a `then` can meet another `if`
        complete(doc, s.get("allOf", []), props, out)
    return out


def complete(doc: dict[str, Any], groups: list[Any], props: dict[str, Any], out: dict[str, Any]) -> None:
    for g in groups:
        if "if" in g:
            if not meets(doc, g["if"], out):
                continue
            then = g["then"]
            for name in then.get("required", []):
                out.setdefault(name, value_for(doc, name, props.get(name, {"type": "string"})))
            for name, sub in then.get("properties", {}).items():
                if name in out and not VALIDATOR(sub).is_valid(out[name]):
                    out[name] = value_for(doc, name, {**props.get(name, {}), **sub})
            complete(doc, then.get("allOf", []), props, out)
        elif "anyOf" in g and not any(VALIDATOR(b).is_valid(out) for b in g["anyOf"]):
            name = g["anyOf"][0]["required"][0]
            out[name] = value_for(doc, name, props.get(name, {"type": "string"}))


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), path, op) for path, item in doc["paths"].items() for m, op in item.items() if m in ("get", "post")]


def minimal(doc: dict[str, Any], method: str, op: dict[str, Any]) -> dict[str, Any] | None:
    if method == "GET":
        params = [_openapi.deref(doc, p) for p in op.get("parameters", [])]
        return {p["name"]: value_for(doc, p["name"], p.get("schema", {})) for p in params if p["in"] == "query" and p.get("required")}
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None  # multipart upload: its own builder, not a JSON body
    media = content["application/json"]
    return payload_for(doc, media.get("x-cardwire-plaintext", media["schema"]))


EXAMPLES = {
    p: [json.loads(f.read_text()) for f in sorted((ROOT / "tests/vectors/examples" / p).glob("*.json"))]
    for p in ("wasabi-gateway",)
}


def test_the_gateway_documents_answers_match_the_description() -> None:
    doc = _openapi.load("wasabi-gateway")
    kinds: dict[str, int] = {}
    for ex in EXAMPLES["wasabi-gateway"]:
        if ex["kind"] == "request":
            schema = _openapi.deref(doc, doc["paths"][ex["paths"][0]]["post"]["requestBody"]["content"]["application/json"]["schema"])
        elif ex["paths"]:
            schema = _openapi.deref(doc, doc["paths"][ex["paths"][0]]["get"]["responses"]["200"])["content"]["application/json"]["schema"]
        else:
            schema = _openapi.deref(doc, doc["components"]["schemas"]["Response"])
        errors = [e.message for e in VALIDATOR(schema, format_checker=VALIDATOR.FORMAT_CHECKER).iter_errors(ex["body"])]
        if ex["kind"] == "error":  # an error example maps to its code in the catalog
            statuses = {s["status"]: s for s in doc["x-cardwire-errors"]["statuses"]}
            assert ex["body"]["code"] in statuses, f"{ex['name']}: code {ex['body']['code']} is not in the catalog"
        assert not errors, f"{ex['name']} ({ex['source']}): {errors}"
        kinds[ex["kind"]] = kinds.get(ex["kind"], 0) + 1
    assert kinds == {"error": 2, "request": 1, "response": 3}, kinds


def send(base: str, req: Any) -> httpx.Response:
    return httpx.request(req["method"], base + req["path"], headers=dict(req["headers"]), content=bytes(req["body"]) if req["body"] else None, timeout=10)


def violations(resp: httpx.Response) -> str:
    return resp.headers.get("sl-violations", "") + (resp.text if resp.status_code in (400, 401, 422) else "")


def build(provider: str, client: Any, method: str, path: str, payload: dict[str, Any], validate: bool = True) -> Any:
    if provider == "wasabi-gateway":
        return client.build_request(path, payload, method=method, validate=validate)
    return client.build_request(path, payload, validate=validate)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_prism_finds_no_violation_in_what_cardwire_builds(provider: str) -> None:
    doc = _openapi.load(provider)
    client = PROVIDERS[provider]()
    sent, skipped = 0, []
    for base in _openapi.prism(provider):
        for method, path, op in operations(doc):
            payload = minimal(doc, method, op)
            if payload is None:
                skipped.append(path)
                continue
            name = provider.replace("-", "_")
            cardwire.validate(name, path, payload, today="2026-12-05")  # cardwire accepts the described minimum
            req = build(provider, client, method, path, payload)
            resp = send(base, req)
            assert resp.status_code < 400 and not resp.headers.get("sl-violations"), f"{method} {path} {payload}: {violations(resp)}"
            sent += 1
        # The judge can fail: the first operation with a required body field, that field dropped.
        for method, path, op in operations(doc):
            payload = minimal(doc, method, op)
            if method == "POST" and payload:
                dropped = dict(list(payload.items())[1:])
                req = build(provider, client, method, path, dropped, validate=False)
                resp = send(base, req)
                assert resp.status_code == 422 or resp.headers.get("sl-violations"), f"{path}: Prism saw nothing wrong without {next(iter(payload))}"
                break
        else:
            raise AssertionError("no operation with a required body field")
        # The documents' own request examples (the gateway's curl bodies), built and sent the same way.
        for ex in EXAMPLES.get(provider, []):
            if ex["kind"] == "request":
                path = ex["paths"][0]
                cardwire.validate(provider.replace("-", "_"), path, ex["body"])
                resp = send(base, build(provider, client, ex.get("method", "POST"), path, ex["body"]))
                assert resp.status_code < 400 and not resp.headers.get("sl-violations"), f"{ex['name']}: {violations(resp)}"
    described = len(operations(doc))
    assert sent + len(skipped) == described and len(skipped) <= 1, (sent, skipped)
    print(f"{provider}: {sent} operations sent to Prism, {len(skipped)} multipart skipped")


# --- The differential: cardwire's validation against the descriptions' JSON Schema.
#
# The tables are compared with the descriptions rule for rule (cargo test -p
# xtask); this compares what the rules *do*: from each operation's minimal
# payload, fields are dropped or given values on both sides of each rule the
# JSON Schema states (enums, patterns, formats, lengths, integer bounds,
# required fields, conditions and groups), and `jsonschema` and cardwire must
# give the same verdict. Not compared, because JSON Schema cannot state them:
# exact decimals and the `x-cardwire-checks` (age, card-type limits, PINs);
# nor "" and null, which cardwire reads as absent; nor strings of digits for
# integers, which cardwire also accepts.

BAD_PATTERN = {
    "^[0-9]+$": ["12a", "1 2"],
    "^[A-Z]{2}$": ["us", "USA"],
    "^[A-Z]{3}$": ["usd", "US"],
    "^[A-Za-z]+( [A-Za-z]+)*$": ["John  Smith", "Jöhn", "John1", " John"],
    "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$": ["2026-01-02T03:04:05", "2026-01-02"],
    "^[A-Za-z0-9]+$": ["abc-1", "a b"],
}


def candidates(doc: dict[str, Any], name: str, schema: Any) -> list[Any] | None:
    """Values on both sides of the field's rules; None when JSON Schema cannot state them."""
    s = _openapi.deref(doc, schema)
    if "x-cardwire-decimal" in s or "x-cardwire-checks" in s or s.get("type") in ("object", "array", "boolean", "number"):
        return None
    good = value_for(doc, name, s)
    out: list[Any] = [good]
    if "enum" in s or "x-cardwire-open-enum" in s:
        out += list(s.get("enum", s.get("x-cardwire-open-enum", [])))[1:] + ["ZZZ"]
    if "pattern" in s:
        out += BAD_PATTERN.get(s["pattern"], [])
    if s.get("format") == "date":
        out += ["1990-02-30", "15/01/1990", "2000-12-31"]
    if s.get("format") == "email":
        out += ["john.example.com"]
    if "maxLength" in s and isinstance(good, str):
        lo, hi = max(s.get("minLength", 1), 1), s["maxLength"]
        fill = "7" if s.get("pattern") == "^[0-9]+$" else "v"
        out += [fill * hi, fill * (hi + 1)] + ([fill * (lo - 1)] if lo > 1 else [])
    if s.get("type") == "integer":
        lo, hi = s.get("minimum"), s.get("maximum")
        out += [v for v in (lo, hi) if v is not None] + [lo - 1 if lo is not None else -5, hi + 1 if hi is not None else 10**6]
    return out


def verdicts(doc: dict[str, Any], provider: str, path: str, schema: Any, payload: dict[str, Any]) -> tuple[bool, bool]:
    described = VALIDATOR(schema, format_checker=VALIDATOR.FORMAT_CHECKER).is_valid(payload)
    try:
        cardwire.validate(provider.replace("-", "_"), path, payload, today="2026-12-05")
        ours = True
    except cardwire.ValidationFailed:
        ours = False
    return described, ours


def body_operations(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(path, JSON schema, minimal payload) of every operation with a JSON body."""
    out = []
    for method, path, op in operations(doc):
        payload = minimal(doc, method, op)
        if method != "POST" or payload is None:
            continue
        media = op["requestBody"]["content"]["application/json"]
        schema = _openapi.deref(doc, media.get("x-cardwire-plaintext", media["schema"]))  # WorldCard: the sealed plaintext
        out.append((path, schema, payload))
    return out


# The plain-JSON providers, and WorldCard Card/* (its rules are the sealed plaintext's).
DIFFERENTIAL = sorted([*PROVIDERS, "worldcard"])


@pytest.mark.parametrize("provider", DIFFERENTIAL)
def test_every_single_field_change_gets_the_same_verdict(provider: str) -> None:
    doc = _openapi.load(provider)
    seen = {True: 0, False: 0}
    compared = 0
    for path, schema, base in body_operations(doc):
        for name, prop in schema.get("properties", {}).items():
            values = candidates(doc, name, prop)
            if values is None:
                continue
            for change in ["drop", *values]:
                payload = {k: v for k, v in base.items() if k != name}
                if change != "drop":
                    payload[name] = change
                described, ours = verdicts(doc, provider, path, schema, payload)
                assert described == ours, f"{path}: {name} -> {change!r}: the description {'accepts' if described else 'refuses'}, cardwire {'accepts' if ours else 'refuses'} ({payload})"
                seen[ours] += 1
                compared += 1
    # A comparison that only ever sees one verdict proves nothing.
    assert seen[True] > 40 and seen[False] > 40, seen
    print(f"{provider}: {compared} payloads, {seen[True]} accepted and {seen[False]} refused by both")


@functools.lru_cache(maxsize=None)
def description(provider: str) -> dict[str, Any]:
    return _openapi.load(provider)


@functools.lru_cache(maxsize=None)
def described_operations(provider: str) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    return body_operations(description(provider))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("provider", DIFFERENTIAL)
def test_any_combination_of_changes_gets_the_same_verdict(provider: str, data: st.DataObject) -> None:
    # Several fields changed at once: conditions (`if`/`then`), groups and required fields meet.
    doc = description(provider)
    path, schema, base = data.draw(st.sampled_from(described_operations(provider)), label="operation")
    payload = dict(base)
    for name, prop in schema.get("properties", {}).items():
        values = candidates(doc, name, prop)
        if values is None:
            continue
        change = data.draw(st.sampled_from(["keep", "drop", *values]), label=name)
        if change == "drop":
            payload.pop(name, None)
        elif change != "keep":
            payload[name] = change
    described, ours = verdicts(doc, provider, path, schema, payload)
    assert described == ours, f"{path}: the description {'accepts' if described else 'refuses'}, cardwire {'accepts' if ours else 'refuses'}: {payload}"
