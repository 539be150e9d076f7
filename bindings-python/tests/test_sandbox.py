"""The merchant classes drive a full card lifecycle per provider against
`cardwire sandbox` over real HTTP on 127.0.0.1 (tests/sandbox/lifecycle.json),
and receive the webhooks it sends: each verified and acknowledged, a
redelivery recognised as a duplicate."""
from __future__ import annotations

import http.server
import json
import os
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import _openapi
from _sandbox import send
import cardwire
import jsonschema
import pytest
from conftest import ROOT

LIFECYCLE = json.loads((ROOT / "tests/sandbox/lifecycle.json").read_text())
BIN = os.environ.get("CARDWIRE_BIN", str(ROOT / "target/release/cardwire"))
RUN = str(int(time.time() * 1000) % 10_000_000)


# --- The sandbox's answers and webhooks, judged by the provider descriptions (docs/openapi/).

DESCRIPTIONS = {"worldcard": "worldcard", "legacy": "worldcard-legacy", "wasabi": "wasabi", "gateway": "wasabi-gateway", "pintopay": "pintopay", "payca": "payca"}
_DOCS: dict[str, Any] = {}


def description(provider: str) -> dict[str, Any]:
    if provider not in _DOCS:
        _DOCS[provider] = _openapi.load(DESCRIPTIONS[provider])
    return _DOCS[provider]


def template_matches(template: str, path: str) -> bool:
    return re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path) is not None


def answer_schema(provider: str, method: str, path: str) -> Any | None:
    """The schema of a successful answer to `method path` (the whole body, envelope and all); None when sealed."""
    doc = description(provider)
    path = path.split("?")[0]
    if provider == "gateway" and not path.startswith("/"):
        path = "/api/v1/" + path
    for template, item in doc["paths"].items():
        if template_matches(template, path) and method.lower() in item:
            responses = item[method.lower()].get("responses", {})
            ok = next((r for code, r in responses.items() if code.startswith("2")), None)
            if ok is None:
                return None
            media = _openapi.deref(doc, ok).get("content", {}).get("application/json")
            if media is None or "Envelope" in json.dumps(ok) and "x-cardwire-plaintext" not in media:
                return None
            return _openapi.deref(doc, media.get("x-cardwire-plaintext", media["schema"]))
    raise AssertionError(f"{provider}: {method} {path} is not in the description")


def webhook_schema(provider: str, event: str) -> Any:
    doc = description(provider)
    hooks = doc.get("webhooks") or {}
    if provider == "pintopay":
        event = "event"  # one webhook for every PinToPay event type (the plaintext's `type`)
    assert event in hooks, f"{provider}: the sandbox sent {event!r}, which the description does not list ({sorted(hooks)})"
    media = hooks[event]["post"]["requestBody"]["content"]["application/json"]
    return _openapi.deref(doc, media.get("x-cardwire-plaintext", media["schema"]))


def problems(schema: Any, value: Any) -> list[str]:
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in v.iter_errors(value)]


def merchant(provider: str, c: dict[str, Any]) -> Any:
    p = c[provider]
    if provider == "worldcard":
        return cardwire.WorldCardMerchant(p["app_id"], p["private_key_pem"], p["aes_key"], p["platform_public_key_pem"])
    if provider == "legacy":
        return cardwire.WorldCardLegacy(p["app_key"], p["app_secret"])
    if provider == "wasabi":
        return cardwire.WasabiMerchant(p["api_key"], p["private_key_pem"], p["platform_public_key_pem"])
    if provider == "gateway":
        return cardwire.WasabiGateway(p["api_key"])
    if provider == "pintopay":
        return cardwire.PinToPayMerchant(p["api_key"], p["api_secret"])
    return cardwire.PayCaClient(p["client_id"], p["client_secret"])


class Receiver:
    """Verifies each provider's webhooks with its merchant class and acknowledges them."""

    def __init__(self) -> None:
        self.merchants: dict[str, Any] = {}
        self.events: dict[str, list[tuple[str, bool]]] = {}
        self.bodies: dict[str, list[tuple[str, Any]]] = {}
        self.refused: list[str] = []
        receiver = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                provider = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                m = receiver.merchants[provider]
                try:
                    ev = m.verify_webhook(self.headers, body)
                except cardwire.CardwireError as e:
                    receiver.refused.append(f"{provider}:{e.code}")
                    self._send(401, {}, e.code.encode())
                    return
                receiver.events.setdefault(provider, []).append((ev.type, ev.duplicate))
                # What the description judges: the decrypted plaintext where the body is sealed, else the body.
                sealed = provider in ("worldcard", "pintopay")
                plaintext = (ev.raw if provider == "pintopay" else ev.data) if sealed else json.loads(body)
                receiver.bodies.setdefault(provider, []).append((ev.type, plaintext))
                ack = type(m).webhook_ack()
                self._send(ack["status"], ack["headers"], ack["body"])

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def sandbox() -> Any:
    receiver = Receiver()
    creds = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    args = [BIN, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds, "--time-scale", "0.001"]
    for p in ("worldcard", "legacy", "wasabi", "pintopay", "payca"):
        args += ["--webhook-url", f"{p}={receiver.url}/hooks/{p}"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout
    line = proc.stdout.readline()
    m = re.search(r"listening on (http://[\d.:]+)", line)
    assert m, line
    c = json.loads(open(creds).read())
    for p in LIFECYCLE["providers"]:
        receiver.merchants[p] = merchant(p, c)
    yield m.group(1), c, receiver
    proc.terminate()
    proc.wait(timeout=10)


def fill(v: Any, vars: dict[str, str]) -> Any:
    if isinstance(v, str):
        return re.sub(r"\{(\w+)\}", lambda g: vars[g.group(1)], v)
    if isinstance(v, dict):
        return {k: fill(x, vars) for k, x in v.items()}
    if isinstance(v, list):
        return [fill(x, vars) for x in v]
    return v


def dig(v: Any, path: str) -> Any:
    for part in path.split("."):
        v = v[part]
    return v


def deliveries(base: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(base + "/_admin/deliveries", timeout=10) as r:
        return list(json.loads(r.read()))


@pytest.mark.parametrize("provider", list(LIFECYCLE["providers"]))
def test_lifecycle(sandbox: Any, provider: str) -> None:
    base, creds, receiver = sandbox
    spec = LIFECYCLE["providers"][provider]
    m = merchant(provider, creds)
    url = creds[provider]["base_url"]
    vars = {"run": RUN}
    answers_checked: list[str] = []
    for step in spec["steps"]:
        path = fill(step["path"], vars)
        payload = fill(step.get("payload"), vars)
        if provider == "gateway":
            req = m.build_request(path, payload, method=step.get("method"))
            status, headers, body = send(url, req)
            data = m.open_response(status, headers, body, path=path)["data"]
            method = step.get("method") or ("GET" if path.rstrip("/").split("/")[-1] in ("regions", "cities", "mobile-codes", "assets", "transactions", "single", "accounts", "webhook-events") else "POST")
        else:
            opts: dict[str, Any] = {}
            if provider == "pintopay" and "idempotency_key" in step:
                opts["idempotency_key"] = fill(step["idempotency_key"], vars)
            if provider == "payca":
                opts["method"] = step.get("method", "POST")
                if "query" in step:
                    opts["query"] = step["query"]
            req = m.build_request(path, payload, **opts)
            status, headers, body = send(url, req)
            data = m.open_response(status, headers, body)["data"]
            method = step.get("method", "POST")
        schema = answer_schema(provider, method, path)
        if schema is not None:
            found = problems(schema, json.loads(body))
            assert not found, f"{provider}: {method} {path}: the answer is not the description's: {found}"
            answers_checked.append(path)
        if step.get("sensitive"):
            data = m.open_sensitive(data)
        for name, p in step.get("capture", {}).items():
            vars[name] = str(dig(data, p))
        for p, want in step.get("expect", {}).items():
            assert str(dig(data, p)) == str(want), (provider, path, p, data)
        for p in step.get("card_fields", {}).values():
            assert len(str(dig(data, p))) >= 3, (provider, path, p, data)
    # Every webhook the lifecycle caused arrives, verified, acknowledged once.
    deadline = time.time() + 20
    while time.time() < deadline:
        mine = [d for d in deliveries(base) if d["provider"] == provider]
        if len(mine) >= len(spec["webhooks"]) and all(d["done"] for d in mine):
            break
        time.sleep(0.1)
    mine = [d for d in deliveries(base) if d["provider"] == provider]
    assert all(d["acked"] for d in mine), mine
    got = sorted(t for t, dup in receiver.events.get(provider, []) if not dup)
    assert got == sorted(spec["webhooks"]), (provider, got)
    for event, body in receiver.bodies.get(provider, []):
        found = problems(webhook_schema(provider, event), body)
        assert not found, f"{provider}: the {event} webhook is not the description's: {found} ({body})"
    assert provider == "pintopay" or answers_checked, f"{provider}: no answer was checked against the description"
    # One object's events arrive in the order they happened, each with its own time.
    if provider == "payca":
        steps = [b for t, b in receiver.bodies["payca"] if t == "cardholder_status"]
        assert [b["status"] for b in steps][:3] == ["wait_audit", "under_review", "pass_audit"], steps
        assert len({b["timestamp"] for b in steps}) == len(steps), steps
    if provider == "pintopay":
        ids = [b["event_id"] for _, b in receiver.bodies["pintopay"]]
        assert len(set(ids)) == len(ids), ids
    if provider == "gateway":
        g = m
        req = g.build_request("webhook-events", {"merchant_order_no": f"gd-{RUN}-000000001"}, method="GET")
        status, headers, body = send(url, req)
        page = cardwire.WasabiGateway.parse_webhook_events(g.open_response(status, headers, body, path="webhook-events")["data"])
        assert page["events"] and page["events"][0]["category"] == "card_transaction", page
        return
    # A provider retry (the same signed bytes) is recognised as a duplicate.
    before = len(receiver.events.get(provider, []))
    out = subprocess.run([BIN, "trigger", provider, spec["redeliver"], "--sandbox", base, "--redeliver", "1"], capture_output=True, text=True, check=True)
    assert '"queued":2' in out.stdout.replace(" ", ""), out.stdout
    deadline = time.time() + 10
    while time.time() < deadline and len(receiver.events.get(provider, [])) < before + 2:
        time.sleep(0.05)
    last = receiver.events[provider][before:]
    # The two deliveries arrive concurrently: one is new, the other its duplicate, in either order.
    assert sorted(dup for _, dup in last) == [False, True], last


def test_load_eight_clients_two_thousand_requests(tmp_path: Any) -> None:
    """8 concurrent clients, 2,000 requests across providers, every answer
    checked, every webhook acknowledged, the sandbox's memory bounded.
    Figures go to target/sandbox-load.txt (the closing note reports them)."""
    import concurrent.futures

    received: list[str] = []
    lock = threading.Lock()

    class H(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            provider = self.path.rsplit("/", 1)[-1]
            with lock:
                received.append(provider)
            ack = {"worldcard": (200, b"ok"), "pintopay": (200, b'{"success":true}'), "payca": (204, b"")}[provider]
            self.send_response(ack[0])
            self.send_header("Content-Length", str(len(ack[1])))
            self.end_headers()
            self.wfile.write(ack[1])

        def log_message(self, *args: Any) -> None:
            pass

    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    creds_file = str(tmp_path / "creds.json")
    args = [BIN, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds_file, "--time-scale", "0.001"]
    for p in ("worldcard", "pintopay", "payca"):
        args += ["--webhook-url", f"{p}=http://127.0.0.1:{hooks.server_address[1]}/hooks/{p}"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout
        base = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
        assert base
        c = json.loads(open(creds_file).read())

        # One merchant object per provider, shared by the threads (as in a
        # server): PinToPay's microsecond timestamps stay unique per instance,
        # where eight instances in one process could collide (a real replay).
        wc, ptp, pc = merchant("worldcard", c), merchant("pintopay", c), merchant("payca", c)

        def client(n: int) -> int:
            wurl, purl, curl = c["worldcard"]["base_url"], c["pintopay"]["base_url"], c["payca"]["base_url"]
            ok = 0

            def wcall(path: str, payload: dict[str, Any]) -> Any:
                s, h, b = send(wurl, wc.build_request(path, payload))
                return wc.open_response(s, h, b)["data"]

            card = wcall("/api/v1/card/virtual/apply", {"merchant_card_id": f"load-{RUN}-{n}", "card_type": "VIRTUAL-V", "card_bin_id": "b", "first_recharge_amount": "10.00",
                                                         "first_name": "Ann", "last_name": "Lee", "state": "CA", "country_code": "US", "city": "LA", "address": "1 Main St", "postal_code": "90001"})["card_id"]
            ok += 1
            for i in range(1, 250):
                kind = i % 5
                if kind in (0, 1):
                    d = wcall("/api/v1/card/deposit", {"card_id": card, "merchant_transaction_id": f"load-{RUN}-{n}-{i}", "amount": "10.00"})
                    ok += d["amount"] == "10.00"
                elif kind == 2:
                    ok += wcall("/api/v1/card/virtual/get_info", {"card_id": card})["card_id"] == card
                elif kind == 3:
                    s, h, b = send(purl, ptp.build_request("/api/v1/project/balance", {}))
                    ok += "balance" in ptp.open_response(s, h, b)["data"]
                else:
                    s, h, b = send(curl, pc.build_request("/v1/users", {"externalId": f"load-{RUN}-{n}-{i}", "meta": {"firstName": "A", "lastName": "B", "email": "a@example.com", "phone": "5551234567", "phoneCode": "+1", "birthday": "1990-01-01", "country": "US", "town": "NYC", "address": "1 Main St", "postCode": "10001"}}, method="POST"))
                    ok += pc.open_response(s, h, b)["status"] == 201
            return ok

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answered = sum(pool.map(client, range(8)))
        elapsed = time.perf_counter() - start
        assert answered == 2000, answered
        expected_hooks = 8 * (1 + sum(1 for i in range(1, 250) if i % 5 in (0, 1)))  # card_open + a card_deposit per deposit
        deadline = time.time() + 60
        while time.time() < deadline:
            ds = deliveries(base.group(1))
            if len(ds) >= expected_hooks and all(d["done"] for d in ds):
                break
            time.sleep(0.2)
        ds = deliveries(base.group(1))
        assert len(ds) >= expected_hooks and all(d["acked"] for d in ds), (len(ds), [d for d in ds if not d["acked"]][:3])
        with urllib.request.urlopen(base.group(1) + "/_admin/requests", timeout=10) as r:
            latencies = sorted(e["latency_ms"] for e in json.loads(r.read()))
        assert len(latencies) >= 2000, len(latencies)
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        status = open(f"/proc/{proc.pid}/status").read()
        peak_kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        assert peak_kb < 300_000, f"peak RSS {peak_kb} kB"
        figures = (f"sandbox load: 8 clients, 2000 requests (WorldCard apply/deposit/get_info, PinToPay balance, PayCA users) in {elapsed:.2f} s = "
                   f"{2000 / elapsed:.0f} requests/s with the request log on, p99 {p99:.2f} ms in the sandbox (its log's latency); {len(ds)} webhooks, all acknowledged ({len(received)} received); sandbox peak RSS {peak_kb / 1024:.1f} MB\n")
        (ROOT / "target").mkdir(exist_ok=True)
        (ROOT / "target/sandbox-load.txt").write_text(figures)
        print(figures)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        hooks.shutdown()


SIGNER_KEYS = {"appKey", "sign", "notify_type"}


@pytest.mark.parametrize("provider", ["worldcard", "legacy", "wasabi", "pintopay", "payca"])
def test_triggers_send_every_documented_field(sandbox: Any, provider: str) -> None:
    """`cardwire trigger` for every event the provider's description lists:
    each arrives verified, matches the description's schema and carries every
    field the description documents for it (filled from the world where the
    sandbox knows the value)."""
    base, creds, receiver = sandbox
    doc = description(provider)
    events = sorted(doc["webhooks"]) if provider != "pintopay" else ["card.transaction", "card.topup"]
    for event in events:
        before = len(receiver.bodies.get(provider, []))
        out = subprocess.run([BIN, "trigger", provider, event, "--sandbox", base], capture_output=True, text=True)
        assert out.returncode == 0, (event, out.stdout, out.stderr)
        deadline = time.time() + 10
        while time.time() < deadline and len(receiver.bodies.get(provider, [])) <= before:
            time.sleep(0.05)
        got_type, body = receiver.bodies[provider][before]
        schema = webhook_schema(provider, event)
        found = problems(schema, body)
        assert not found, f"{provider} {event}: {found} ({body})"
        inner = body.get("data") if provider == "payca" and isinstance(body.get("data"), dict) and "event" in body else body
        inner_schema = schema["properties"]["data"] if inner is not body else schema
        documented = set(inner_schema.get("properties", {})) - SIGNER_KEYS - ({"type"} if provider == "pintopay" else set())
        assert documented <= set(inner), f"{provider} {event}: missing documented fields {sorted(documented - set(inner))}"
    # An unknown event or card is refused, with what exists.
    out = subprocess.run([BIN, "trigger", provider, "no_such_event", "--sandbox", base], capture_output=True, text=True)
    assert out.returncode != 0 and "no event" in out.stdout + out.stderr, out
    out = subprocess.run([BIN, "trigger", provider, events[0], "--sandbox", base, "--card", "no-such-card"], capture_output=True, text=True)
    assert out.returncode != 0 and "no card" in out.stdout + out.stderr, out
