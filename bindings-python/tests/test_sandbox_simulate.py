"""Card transactions in the sandbox (`cardwire simulate`, `/_admin/simulate`):
each step moves the card's balance in exact cents and sends the provider's
transaction webhooks in order, in the fields and values its documents give
(WorldCard `card_billing` / `card_3ds`, legacy `bill` / `close`, Wasabi
`card_auth_transaction`, the gateway's polled events, PinToPay
`card.transaction`, PayCA `card_transaction` / `account_transaction`).
Every webhook received is verified by the merchant class made from the
credentials file; PayCA's MAC is also computed here with `hmac`."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from decimal import Decimal

import cardwire

from _sandbox import Hooks, Sandbox, fixtures_file, send
from test_sandbox import problems, webhook_schema

PUSHING = ["worldcard", "legacy", "wasabi", "pintopay", "payca"]
CARD = {"worldcard": "wc_sim", "legacy": "lg_sim", "wasabi": "ws_sim", "gateway": "gw_sim", "pintopay": "pt_sim", "payca": "pc_sim"}


def test_simulated_transactions_move_balances_and_send_the_documented_webhooks_in_order() -> None:
    hooks = Hooks()
    args = ["--fixtures", fixtures_file({p: {"cards": [{"id": c, "balance": "100.00"}]} for p, c in CARD.items()})]
    for p in PUSHING:
        args += ["--webhook-url", f"{p}={hooks.url(p)}"]
    sb = Sandbox(*args)
    try:
        base, creds = sb.base, sb.creds
        clients = {p: getattr(cardwire, e["class"])(**e["options"]) for p, e in creds.items()}

        for p in CARD:
            out = sb.cli("simulate", p, "--card", CARD[p], "--amount", "25.10")
            assert out.returncode == 0, out.stderr
            lines = out.stdout.splitlines()
            assert [ln.split()[0] for ln in lines] == ["authorization", "increment", "clearing", "refund", "authorization", "reversal", "decline"], out.stdout
            assert "do not honor" in lines[-1]
        # 100.00 - (25.10 + 5.02) + 15.06 (half of 30.12 refunded): 84.94, in every provider.
        state = sb.admin("GET", "/_admin/state")
        for p, c in CARD.items():
            (card,) = [x for x in state[p]["cards"] if x["id"] == c]
            assert card["balance"] == "84.94", (p, card)
            kinds = [(t["kind"], t["amount"]) for t in state[p]["transactions"] if t["card_id"] == c]
            assert kinds == [("authorization", "25.10"), ("increment", "5.02"), ("clearing", "30.12"), ("refund", "15.06"),
                             ("authorization", "25.10"), ("reversal", "25.10"), ("decline", "25.10")], (p, kinds)

        want = {"worldcard": 8, "legacy": 6, "wasabi": 7, "pintopay": 7, "payca": 9}
        hooks.wait(lambda: all(len(hooks.of(p)) >= n for p, n in want.items()))
        received = {p: hooks.of(p) for p in PUSHING}
        events: dict[str, list[Any]] = {}
        for p in PUSHING:
            assert len(received[p]) == want[p], (p, len(received[p]))
            events[p] = []
            for h, b in received[p]:
                ev = clients[p].verify_webhook(h, b)
                assert not ev["duplicate"]
                events[p].append(ev)

        # Each one is what the provider's description says its webhook is.
        for p in PUSHING:
            for (h, b), e in zip(received[p], events[p]):
                judged = e["data"] if p == "worldcard" else e["raw"] if p == "pintopay" else json.loads(b)
                found = problems(webhook_schema(p, e["type"]), judged)
                assert not found, f"{p}: the {e['type']} webhook is not the description's: {found} ({judged})"

        wc = [(e["type"], e["data"].get("transaction_type"), e["data"].get("transaction_status"), e["data"].get("transaction_amount")) for e in events["worldcard"]]
        assert wc == [("card_3ds", None, None, None),
                      ("card_billing", "Authorization", "PENDING", "25.10"), ("card_billing", "Authorization", "PENDING", "5.02"),
                      ("card_billing", "Settlement", "COMPLETE", "30.12"), ("card_billing", "Refund", "COMPLETE", "15.06"),
                      ("card_billing", "Authorization", "PENDING", "25.10"), ("card_billing", "Reversal", "COMPLETE", "25.10"),
                      ("card_billing", "Authorization", "DECLINED", "25.10")], wc
        assert events["worldcard"][0]["data"]["amount"] == "25.10" and re.fullmatch(r"\d{6}", events["worldcard"][0]["data"]["otp"])
        billing = events["worldcard"][1]["data"]
        assert billing["card_id"] == "wc_sim" and billing["mcc"] == "5734" and billing["transaction_id"] == events["worldcard"][3]["data"]["transaction_id"]

        # Legacy: no settlement bill is documented, so clearing sends none.
        lg = [(e["data"].get("transType"), e["data"].get("transStatus"), e["data"].get("localCurrencyAmt")) for e in events["legacy"]]
        assert lg == [("AUTH", "APPROVED", "25.10"), ("AUTH", "APPROVED", "5.02"), ("REFUND", "APPROVED", "15.06"),
                      ("AUTH", "APPROVED", "25.10"), ("REVERSAL", "APPROVED", "25.10"), ("AUTH", "DECLINED", "25.10")], lg
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", e["data"]["occurTime"]) for e in events["legacy"])

        ws = [(e["type"], e["data"]["type"], e["data"]["status"], e["data"]["amount"], e["data"].get("settleAmount")) for e in events["wasabi"]]
        assert ws == [("card_auth_transaction", "auth", "authorized", "25.10", None), ("card_auth_transaction", "auth", "authorized", "30.12", None),
                      ("card_auth_transaction", "auth", "succeed", "30.12", "30.12"), ("card_auth_transaction", "refund", "succeed", "15.06", None),
                      ("card_auth_transaction", "auth", "authorized", "25.10", None), ("card_auth_transaction", "Void", "succeed", "25.10", None),
                      ("card_auth_transaction", "auth", "failed", "25.10", None)], ws
        first, refund = events["wasabi"][0]["data"], events["wasabi"][3]["data"]
        assert refund["originTradeNo"] == first["tradeNo"] and isinstance(first["transactionTime"], int)

        # The gateway: the same, as polled events.
        gw = creds["gateway"]
        req = clients["gateway"].build_request("webhook-events", {"category": "card_auth_transaction", "per_page": 20}, method="GET")
        status, headers, body = send(gw["base_url"], req)
        page = clients["gateway"].open_response(status, headers, body, path="webhook-events")["data"]
        polled = [(e["payload"]["type"], e["payload"]["status"]) for e in reversed(page["data"])]
        assert polled == [(t, s) for _, t, s, _, _ in ws], polled

        pt = [(e["data"]["kind"], e["data"]["status"], e["data"]["amount"]) for e in events["pintopay"]]
        assert pt == [("authorization", "pending", "25.10"), ("increment", "pending", "5.02"), ("clearing", "completed", "30.12"),
                      ("refund", "completed", "15.06"), ("authorization", "pending", "25.10"), ("reversal", "completed", "25.10"),
                      ("decline", "declined", "25.10")], pt

        pc = [(e["type"], e["data"]["type"], e["data"]["amount"]) for e in events["payca"]]
        assert pc == [("card_transaction", "authorization", "25.10"), ("card_transaction", "increment", "5.02"),
                      ("card_transaction", "clearing", "30.12"), ("account_transaction", "debit", "30.12"),
                      ("card_transaction", "refund", "15.06"), ("account_transaction", "credit", "15.06"),
                      ("card_transaction", "authorization", "25.10"), ("card_transaction", "reversal", "25.10"),
                      ("card_transaction", "decline", "25.10")], pc
        # The ledger's balance after each entry, exact.
        assert [e["data"]["balance"] for e in events["payca"] if e["type"] == "account_transaction"] == ["69.88", "84.94"]
        assert Decimal("100.00") - Decimal("30.12") + Decimal("15.06") == Decimal("84.94")
        for h, b in received["payca"]:
            assert hmac.compare_digest(h["x-signature"], "sha256=" + hmac.new(creds["payca"]["client_secret"].encode(), b, hashlib.sha256).hexdigest())

        # One step at a time; the errors say what to give.
        out = sb.cli("simulate", "worldcard", "authorization", "--card", "wc_sim", "--amount", "200.00")
        assert out.returncode == 0 and "declined" in out.stdout and "insufficient funds" in out.stdout, out
        out = sb.cli("simulate", "payca", "clearing")
        assert out.returncode != 0 and "--transaction" in out.stderr, out
        out = sb.cli("simulate", "payca", "authorization", "--card", "pc_sim", "--amount", "1.005")
        assert out.returncode != 0 and "at most 2 places" in out.stderr, out
        out = sb.cli("simulate", "payca", "close", "--card", "pc_sim")
        assert out.returncode != 0 and "legacy" in out.stderr, out

        # Legacy close: the card closed, its balance refunded to the reserve account.
        out = sb.cli("simulate", "legacy", "close", "--card", "lg_sim")
        assert out.returncode == 0, out.stderr
        hooks.wait(lambda: len(hooks.of("legacy")) >= 7)
        close = clients["legacy"].verify_webhook(*hooks.of("legacy")[6])
        assert close["type"] == "close" and close["data"]["localCurrencyAmt"] == "84.94" and "transType" not in close["data"], close
        state = sb.admin("GET", "/_admin/state")
        assert [c["state"] for c in state["legacy"]["cards"]] == ["closed"]
    finally:
        sb.close()
        hooks.close()
