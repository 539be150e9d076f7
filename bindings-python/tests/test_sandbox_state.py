"""The sandbox's world as a developer sets it up and looks at it: `--fixtures`
(a known world to start from and to reset to), `/_admin/state` and
`cardwire state`, `/_admin/reset` and `cardwire reset`, `trigger --set`, and
the credentials file's per-provider `class` and `options` (one line to a
client in each language). Webhooks are checked with HMAC computed here
(`hmac`), not by cardwire."""
from __future__ import annotations

import hashlib
import hmac
import json
import subprocess

import cardwire

from _sandbox import BIN, Hooks, Sandbox, fixtures_file, send

FIXTURES = {
    "payca": {
        "master_balance": "5000.10",
        "holders": [{"id": "ch_fix", "status": "pass_audit", "external": "user-1"}],
        "cards": [{"id": "card_fix", "holder": "ch_fix", "balance": "100.05", "state": "active", "pan": "4111111111111111"}],
    },
    "worldcard": {"cards": [{"id": "wc_fix", "merchant_ref": "m-fix", "balance": "12.34", "state": "frozen"}]},
}
NEW_CARD = {"cardholderId": "ch_fix", "accountId": "acc_1", "bin": "493700", "balance": "5.00", "idempotencyKey": "st-1"}


def test_a_fixture_world_is_served_shown_and_restored_and_credentials_make_clients_in_one_line() -> None:
    hooks = Hooks()
    sb = Sandbox("--fixtures", fixtures_file(FIXTURES), "--webhook-url", f"payca={hooks.url('payca')}")
    try:
        creds = sb.creds
        # One line per provider: the class and its options, from the file.
        clients = {p: getattr(cardwire, e["class"])(**e["options"]) for p, e in creds.items()}
        assert type(clients["payca"]).__name__ == "PayCaClient"
        assert set(creds["worldcard"]["options"]) == {"app_id", "private_key_pem", "aes_key", "platform_public_key_pem"}
        assert "sandbox_private_key_pem" not in creds["wasabi"]["options"]

        # The fixture's world, exact decimals, a card number by its last four only.
        state = sb.admin("GET", "/_admin/state")
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
        status, headers, body = send(url, payca.build_request("/v1/cards", NEW_CARD))
        assert status == 201, body
        state = sb.admin("GET", "/_admin/state")
        assert state["payca"]["master_balance"] == "4995.10"
        assert len(state["payca"]["cards"]) == 2

        # trigger --set overrides a field (a decimal stays its exact text).
        out = sb.cli("trigger", "payca", "card_transaction", "--card", "card_fix", "--set", "amount=7.25", "--set", "type=purchase")
        assert out.returncode == 0, out.stderr
        hooks.wait(lambda: any(b'"purchase"' in b for _, b in hooks.of("payca")))
        h, b = next((h, b) for h, b in hooks.of("payca") if b'"purchase"' in b)
        mac = hmac.new(creds["payca"]["client_secret"].encode(), b, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(h["x-signature"], "sha256=" + mac)
        event = payca.verify_webhook(h, b)
        assert event["type"] == "card_transaction"
        assert event["data"]["amount"] == "7.25" and event["data"]["cardId"] == "card_fix"

        # The CLI shows the same state; reset goes back to the fixture's world.
        shown = sb.cli("state", "--provider", "payca")
        assert shown.returncode == 0 and json.loads(shown.stdout)["master_balance"] == "4995.10"
        reset = sb.cli("reset")
        assert reset.returncode == 0 and "--fixtures" in reset.stdout, reset
        state = sb.admin("GET", "/_admin/state")
        assert state["payca"]["master_balance"] == "5000.10"
        assert [c["id"] for c in state["payca"]["cards"]] == ["card_fix"]
        assert sb.admin("GET", "/_admin/events") == []
        # The idempotency answers went too: the same key makes a card again.
        status, headers, body = send(url, payca.build_request("/v1/cards", NEW_CARD))
        assert status == 201, body
    finally:
        sb.close()
        hooks.close()


def test_a_wrong_fixtures_file_stops_the_sandbox_naming_the_field() -> None:
    for fixtures, says in [
        ({"payca": {"cards": [{"id": "c", "balance": "1.005"}]}}, "payca.cards[0].balance"),
        ({"paica": {}}, 'unknown provider "paica"'),
        ({"payca": {"cards": [{"id": "c", "holder": "ch_none"}]}}, 'payca.cards[0].holder "ch_none"'),
    ]:
        out = subprocess.run([BIN, "sandbox", "--listen", "127.0.0.1:0", "--fixtures", fixtures_file(fixtures)], capture_output=True, text=True, timeout=30)
        assert out.returncode != 0
        assert "--fixtures" in out.stderr and says in out.stderr, out.stderr
