"""The package exposes exactly the vocabulary table (tests/vocabulary.json,
generated from core/src/api/vocab.rs): classes, methods, positional
arguments, keyword-only options, result keys; and one exception class per
code of the core catalog."""
from __future__ import annotations

import inspect
import json
from typing import Any

import cardwire
import pytest
from conftest import AES_HEX, ROOT, key

VOCAB = json.loads((ROOT / "tests" / "vocabulary.json").read_text())
SHAPES = {s["name"]: s["keys"] for s in VOCAB["shapes"]}


def _params(fn: Any) -> tuple[list[str], list[str]]:
    sig = inspect.signature(fn)
    pos = [p.name for p in sig.parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD and p.name != "self"]
    kw = [p.name for p in sig.parameters.values() if p.kind == p.KEYWORD_ONLY]
    return pos, kw


def test_classes_and_methods_are_the_table() -> None:
    names = {c["name"] for c in VOCAB["classes"]}
    exported = {n for n in cardwire._classes.__all__ if isinstance(getattr(cardwire, n), type)}
    assert exported == names
    for c in VOCAB["classes"]:
        cls = getattr(cardwire, c["name"])
        methods = {m["name"] for m in c["methods"]} | {m["name"] + "_async" for m in c["methods"] if m["async"]}
        methods |= {c["factory"]} if c.get("factory") else set()
        public = {n for n, v in vars(cls).items() if not n.startswith("_") and callable(getattr(cls, n))}
        assert public == methods, c["name"]
        pos, kw = _params(cls.__init__)
        assert pos + kw == [p["name"] for p in c["ctor"]], c["name"]
        for m in c["methods"]:
            pos, kw = _params(getattr(cls, m["name"]))
            assert pos == [a["name"] for a in m["args"]], f"{c['name']}.{m['name']}"
            assert kw == [o["name"] for o in m["options"]], f"{c['name']}.{m['name']}"
    for f in VOCAB["functions"]:
        pos, kw = _params(getattr(cardwire, f["name"]))
        assert (pos, kw) == ([a["name"] for a in f["args"]], [o["name"] for o in f["options"]]), f["name"]


def test_exception_classes_match_the_catalog() -> None:
    assert cardwire.error_codes() == VOCAB["codes"]
    for code in VOCAB["codes"]:
        cls = getattr(cardwire, "".join(w.capitalize() for w in code.split("_")))
        assert issubclass(cls, cardwire.CardwireError) and cls.code == code
    assert issubclass(cardwire.ValidationFailed, ValueError) and issubclass(cardwire.InvalidInput, ValueError)
    for field in VOCAB["error_fields"]:
        assert hasattr(cardwire.CardwireError, field), field


def test_result_keys_are_the_table(wc_pair: Any) -> None:
    m, p = wc_pair
    assert list(m.build_request("/api/v1/card/virtual/get_info", {"card_id": "1"})) == SHAPES["request"]
    sealed = p.seal_response({"card_id": "1", "cvv": "123"})
    assert list(sealed) == SHAPES["response"]
    assert list(m.open_response(sealed["status"], sealed["headers"], sealed["body"])) == SHAPES["opened"]
    hook = p.sign_webhook("card_open", {"card_id": "1"})
    assert list(hook) == SHAPES["webhook"]
    ev = m.verify_webhook(hook["headers"], hook["body"])
    assert isinstance(ev, cardwire.Event) and list(ev) == SHAPES["event"]
    assert list(cardwire.validate("worldcard", "/api/v1/card/close", {"card_id": "1"})) == SHAPES["report"]
    assert list(cardwire.status_model("pintopay.order")) == SHAPES["status_model"]
    g = cardwire.WasabiGateway("k")
    try:
        g.open_response(429, {"Retry-After": "1"}, b'{"message":"slow"}', path="cards/info")
    except cardwire.ApiError as e:
        assert list(g.retry_decision("cards/info", e, 1)) == SHAPES["retry_decision"]
        assert (e.status, e.retryable, e.retry_after_ms, e.authenticated) == (429, True, 1000, False)
    assert cardwire.backend == "native"
    assert key and AES_HEX


def test_event_is_a_frozen_read_only_mapping(wc_pair: Any) -> None:
    from collections.abc import Mapping

    m, p = wc_pair
    hook = p.sign_webhook("card_open", {"card_id": "1"})
    ev = m.verify_webhook(hook["headers"], hook["body"])
    assert isinstance(ev, Mapping) and len(ev) == len(SHAPES["event"])
    as_dict = dict(ev)
    assert list(as_dict) == SHAPES["event"] and as_dict["type"] == ev.type == ev["type"] == "card_open"
    assert ev.get("nope") is None and ev.get("nope", 5) == 5 and "delivery_key" in ev and "nope" not in ev
    assert ev == as_dict and dict(ev.items()) == as_dict and list(ev.values()) == list(as_dict.values())
    with pytest.raises(KeyError):
        ev["nope"]
    with pytest.raises(AttributeError):
        ev.duplicate = True  # type: ignore[misc]
    assert repr(ev).startswith("Event(type='card_open', duplicate=False, delivery_key='cardwire:worldcard:")
    again = m.verify_webhook(hook["headers"], hook["body"])
    assert again.duplicate is True and again.delivery_key == ev.delivery_key
