"""Fault injection in the sandbox (`--fault`, `/_admin/faults`, `cardwire
faults`): what a caller's retries and duplicate handling meet on a provider's
bad day. Each fault is checked over real HTTP from the outside (urllib, and
HMAC computed here for PayCA's webhooks), and the clients' own reading of the
faulty answer is checked too."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import cardwire

from _sandbox import BIN, Hooks, Sandbox, send


def test_request_and_webhook_faults_are_what_the_caller_meets() -> None:
    hooks = Hooks()
    sb = Sandbox("--webhook-url", f"payca={hooks.url('payca')}", "--fault", "payca/v1/cards=503,times=2", "--fault", "wasabi=html-502")
    try:
        base, creds = sb.base, sb.creds
        payca = cardwire.PayCaClient(**creds["payca"]["options"])
        url = creds["payca"]["base_url"]
        cli = sb.cli

        # Twice 503 on that route (not served: nothing changes), then the provider's own answer.
        list_cards = payca.build_request("/v1/cards", None, method="GET")
        assert send(url, list_cards)[0] == 503
        assert send(url, payca.build_request("/v1/users", {"externalId": "u-1", "email": "a@example.com"}))[0] != 503
        assert send(url, list_cards)[0] == 503
        status, headers, body = send(url, list_cards)
        assert status == 200 and payca.open_response(status, headers, body)["data"]["data"] == []
        faults = sb.admin("GET", "/_admin/faults")
        assert [f["spec"] for f in faults] == ["wasabi=html-502"]

        # Wasabi's load balancer: an unsigned HTML 502 the client refuses with a typed error, not a parse failure.
        wasabi = cardwire.WasabiMerchant(**creds["wasabi"]["options"])
        status, headers, body = send(creds["wasabi"]["base_url"], wasabi.build_request("/merchant/core/mcb/card/info", {"cardNo": "x"}))
        assert status == 502 and headers["content-type"] == "text/html" and body.startswith(b"<html>")
        with pytest.raises(cardwire.CardwireError) as e:
            wasabi.open_response(status, headers, body)
        assert e.value.code not in ("internal", "")

        # Added from the CLI while it runs: 429 with Retry-After, latency, a dropped connection.
        out = cli("faults", "add", "gateway=429:30")
        assert out.returncode == 0 and "gateway=429:30" in out.stdout, out
        gw = creds["gateway"]
        with pytest.raises(urllib.error.HTTPError) as h:
            urllib.request.urlopen(urllib.request.Request(gw["base_url"] + "/api/v1/cards", headers={"X-API-KEY": gw["api_key"]}), timeout=10)
        assert h.value.code == 429 and h.value.headers["Retry-After"] == "30"
        assert cli("faults", "add", "payca=latency:400,times=1").returncode == 0
        start = time.monotonic()
        assert send(url, list_cards)[0] == 200
        assert time.monotonic() - start >= 0.4
        assert cli("faults", "add", "payca=drop,times=1").returncode == 0
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/payca/v1/cards", headers=list_cards["headers"])
        with pytest.raises((http.client.HTTPException, ConnectionError)):
            conn.getresponse().read()
        assert send(url, list_cards)[0] == 200
        wrong = cli("faults", "add", "payca=html-502")
        assert wrong.returncode != 0 and "for payca use 502" in wrong.stderr
        log = json.loads(urllib.request.urlopen(base + "/_admin/requests?status=5xx", timeout=10).read())
        assert all("injected fault" in e["verdict"] for e in log) and len(log) == 3

        # Webhooks: each delivered twice (the second a duplicate to the receiver), then one with a bad signature.
        assert cli("faults", "clear").returncode == 0
        assert cli("faults", "add", "payca=webhook-duplicate,times=1").returncode == 0
        assert cli("trigger", "payca", "cardholder_status", "cardholderId=ch_dup", "status=active").returncode == 0
        assert cli("faults", "add", "payca=webhook-bad-signature,times=1").returncode == 0
        assert cli("trigger", "payca", "cardholder_status", "cardholderId=ch_bad", "status=active").returncode == 0
        hooks.wait(lambda: len(hooks.received) >= 3)
        by = {k: [(h, b) for h, b in hooks.of("payca") if k.encode() in b] for k in ("ch_dup", "ch_bad")}
        assert len(by["ch_dup"]) == 2 and by["ch_dup"][0][1] == by["ch_dup"][1][1]
        first = payca.verify_webhook(*by["ch_dup"][0])
        again = payca.verify_webhook(*by["ch_dup"][1])
        assert not first["duplicate"] and again["duplicate"]
        (h, b), = by["ch_bad"]
        mac = "sha256=" + hmac.new(creds["payca"]["client_secret"].encode(), b, hashlib.sha256).hexdigest()
        assert not hmac.compare_digest(h["x-signature"], mac)
        with pytest.raises(cardwire.SignatureInvalid):
            payca.verify_webhook(h, b)

        # Out of order: the held webhook arrives after the next one.
        assert cli("faults", "add", "payca=webhook-out-of-order:1500,times=1").returncode == 0
        assert cli("trigger", "payca", "cardholder_status", "cardholderId=ch_order", "status=pending_review").returncode == 0
        assert cli("trigger", "payca", "cardholder_status", "cardholderId=ch_order", "status=active").returncode == 0
        hooks.wait(lambda: sum(b"ch_order" in b for _, b in hooks.of("payca")) >= 2)
        order = [json.loads(b)["status"] for _, _, _, b in sorted(hooks.received, key=lambda r: r[0]) if b"ch_order" in b]
        assert order == ["active", "pending_review"]
        events = json.loads(urllib.request.urlopen(base + "/_admin/events", timeout=10).read())
        assert sum(e["faults"] == ["webhook-out-of-order:1500"] for e in events) == 1
    finally:
        sb.close()
        hooks.close()


def test_a_wrong_fault_is_refused_naming_the_kinds() -> None:
    out = subprocess.run([BIN, "sandbox", "--listen", "127.0.0.1:0", "--fault", "payca=teapot"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 2
    assert "unknown fault" in out.stderr and "webhook-duplicate" in out.stderr
