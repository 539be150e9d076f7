"""The sandbox's world as a developer sets it up and looks at it: `--fixtures`
(a known world to start from and to reset to), `/_admin/state` and
`cardwire state`, `/_admin/reset` and `cardwire reset`, `trigger --set`, and
the credentials file's per-provider `class` and `options` (one line to a
client in each language). Webhooks are checked with HMAC computed here
(`hmac`), not by cardwire."""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from typing import Any

import cardwire

import _openapi

BIN = os.environ.get("CARDWIRE_BIN", str(_openapi.ROOT / "target/release/cardwire"))

FIXTURES = {
    "payca": {
        "master_balance": "5000.10",
        "holders": [{"id": "ch_fix", "status": "pass_audit", "external": "user-1"}],
        "cards": [{"id": "card_fix", "holder": "ch_fix", "balance": "100.05", "state": "active", "pan": "4111111111111111"}],
    },
    "worldcard": {"cards": [{"id": "wc_fix", "merchant_ref": "m-fix", "balance": "12.34", "state": "frozen"}]},
}


def admin(base: str, method: str, path: str) -> Any:
    with urllib.request.urlopen(urllib.request.Request(base + path, method=method, data=b"" if method == "POST" else None), timeout=10) as r:
        return json.loads(r.read())


def send(base: str, req: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    r = urllib.request.Request(base + req["path"], data=req["body"] or None, method=req["method"], headers=req["headers"])
    try:
        with urllib.request.urlopen(r, timeout=15) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def test_a_fixture_world_is_served_shown_and_restored_and_credentials_make_clients_in_one_line() -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a: Any) -> None:
            pass

    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    fixtures = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(FIXTURES, fixtures)
    fixtures.close()
    creds_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    proc = subprocess.Popen([BIN, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds_file, "--log-format", "off",
                             "--fixtures", fixtures.name, "--webhook-url", f"payca=http://127.0.0.1:{hooks.server_address[1]}/hooks"],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout
        m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
        assert m, "the sandbox did not start"
        base = m.group(1)
        creds = json.loads(open(creds_file).read())

        # One line per provider: the class and its options, from the file.
        clients = {p: getattr(cardwire, e["class"])(**e["options"]) for p, e in creds.items()}
        assert type(clients["payca"]).__name__ == "PayCaClient"
        assert set(creds["worldcard"]["options"]) == {"app_id", "private_key_pem", "aes_key", "platform_public_key_pem"}
        assert "sandbox_private_key_pem" not in creds["wasabi"]["options"]

        # The fixture's world, exact decimals, a card number by its last four only.
        state = admin(base, "GET", "/_admin/state")
        assert state["payca"]["master_balance"] == "5000.10"
        assert [(c["id"], c["balance"], c["state"], c["last4"]) for c in state["payca"]["cards"]] == [("card_fix", "100.05", "active", "1111")]
        assert [(c["id"], c["balance"], c["state"]) for c in state["worldcard"]["cards"]] == [("wc_fix", "12.34", "frozen")]
        assert state["wasabi"]["cards"] == [] and state["wasabi"]["master_balance"] == "1000000.00"
        assert "4111111111111111" not in json.dumps(state)

        # The provider's API answers from it: the client built in one line works.
        payca = clients["payca"]
        url = creds["payca"]["base_url"]
        status, headers, body = send(url, payca.build_request("/v1/cards", None, method="GET"))
        listed = payca.open_response(status, headers, body)["data"]["data"]
        assert [(c["id"], c["balance"]) for c in listed] == [("card_fix", "100.05")]
        status, headers, body = send(url, payca.build_request("/v1/cards", {"cardholderId": "ch_fix", "accountId": "acc_1", "bin": "493700", "balance": "5.00", "idempotencyKey": "st-1"}))
        assert status == 201, body
        state = admin(base, "GET", "/_admin/state")
        assert state["payca"]["master_balance"] == "4995.10"
        assert len(state["payca"]["cards"]) == 2

        # trigger --set overrides a field (a decimal stays its exact text).
        out = subprocess.run([BIN, "trigger", "payca", "card_transaction", "--sandbox", base, "--card", "card_fix",
                              "--set", "amount=7.25", "--set", "type=purchase"], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        for _ in range(200):
            if any(b'"purchase"' in b for _, b in received):
                break
            threading.Event().wait(0.025)
        h, b = next((h, b) for h, b in received if b'"purchase"' in b)
        mac = hmac.new(creds["payca"]["client_secret"].encode(), b, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(h["x-signature"], "sha256=" + mac)
        event = payca.verify_webhook(h, b)
        assert event["type"] == "card_transaction"
        assert event["data"]["amount"] == "7.25" and event["data"]["cardId"] == "card_fix"

        # The CLI shows the same state; reset goes back to the fixture's world.
        shown = subprocess.run([BIN, "state", "--provider", "payca", "--sandbox", base], capture_output=True, text=True, timeout=30)
        assert shown.returncode == 0 and json.loads(shown.stdout)["master_balance"] == "4995.10"
        reset = subprocess.run([BIN, "reset", "--sandbox", base], capture_output=True, text=True, timeout=30)
        assert reset.returncode == 0 and "--fixtures" in reset.stdout, reset
        state = admin(base, "GET", "/_admin/state")
        assert state["payca"]["master_balance"] == "5000.10"
        assert [c["id"] for c in state["payca"]["cards"]] == ["card_fix"]
        assert admin(base, "GET", "/_admin/events") == []
        # The idempotency answers went too: the same key makes a card again.
        status, headers, body = send(url, payca.build_request("/v1/cards", {"cardholderId": "ch_fix", "accountId": "acc_1", "bin": "493700", "balance": "5.00", "idempotencyKey": "st-1"}))
        assert status == 201, body
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        hooks.shutdown()


def test_a_wrong_fixtures_file_stops_the_sandbox_naming_the_field() -> None:
    for fixtures, says in [
        ({"payca": {"cards": [{"id": "c", "balance": "1.005"}]}}, "payca.cards[0].balance"),
        ({"paica": {}}, 'unknown provider "paica"'),
        ({"payca": {"cards": [{"id": "c", "holder": "ch_none"}]}}, 'payca.cards[0].holder "ch_none"'),
    ]:
        f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(fixtures, f)
        f.close()
        out = subprocess.run([BIN, "sandbox", "--listen", "127.0.0.1:0", "--fixtures", f.name], capture_output=True, text=True, timeout=30)
        assert out.returncode != 0
        assert "--fixtures" in out.stderr and says in out.stderr, out.stderr
