"""The sandbox's request log (`--log-format json` on stdout, and
`/_admin/requests`): every request with its time, provider, method, path,
status and latency; every refusal with the first failing check and why;
never a secret or a card number. Requests are built by hand here
(`cryptography`, `hmac`), not by cardwire."""
from __future__ import annotations

import base64
import json
import os
import queue
import re
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

import _openapi

BIN = os.environ.get("CARDWIRE_BIN", str(_openapi.ROOT / "target/release/cardwire"))
PAN = "4937241000003841"


def post(url: str, headers: dict[str, str], body: bytes) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST", headers=headers), timeout=15) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_every_request_is_logged_with_the_reason_of_each_refusal() -> None:
    creds_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    proc = subprocess.Popen([BIN, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds_file, "--log-format", "json"],
                            stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    try:
        assert proc.stdout
        m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
        assert m
        base = m.group(1)
        threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
        c = json.loads(open(creds_file).read())
        wc = c["worldcard"]
        key = serialization.load_pem_private_key(wc["private_key_pem"].encode(), password=None)
        aes = AESGCM(bytes.fromhex(wc["aes_key"]))

        def worldcard(payload: dict[str, Any], nonce: str) -> tuple[dict[str, str], bytes]:
            iv = os.urandom(12)
            body = json.dumps({"data": base64.b64encode(iv + aes.encrypt(iv, json.dumps(payload).encode(), None)).decode()}).encode()
            ts = str(int(time.time()))
            sig = key.sign(body + ts.encode() + nonce.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
            return {"Content-Type": "application/json", "X-App-Id": wc["app_id"], "X-Timestamp": ts, "X-Nonce": nonce,
                    "X-Signature": base64.b64encode(sig).decode()}, body

        apply = {"merchant_card_id": f"log-{time.time_ns()}", "card_type": "VIRTUAL-V", "card_bin_id": "bin_1", "first_recharge_amount": "20.00",
                 "first_name": "Ann", "last_name": "Lee", "state": "CA", "country_code": "US", "city": "LA", "address": "1 Main St", "postal_code": "90001"}
        h, b = worldcard(apply, os.urandom(8).hex())
        assert post(wc["base_url"] + "/api/v1/card/virtual/apply", h, b) == 200
        # The body changed after signing: refused, and the log says which check and why.
        h, b = worldcard({**apply, "merchant_card_id": f"log2-{time.time_ns()}"}, os.urandom(8).hex())
        tampered = b[:-10] + bytes([b[-10] ^ 1]) + b[-9:]
        assert post(wc["base_url"] + "/api/v1/card/virtual/apply?card=" + PAN, h, tampered) == 401
        # PayCA with a wrong client secret (the real one must not show anywhere).
        pc = c["payca"]
        assert post(pc["base_url"] + "/v1/cards", {"x-client-id": pc["client_id"], "x-client-secret": "wrong-" + PAN,
                                                   "Content-Type": "application/json"}, b"{}") == 401

        with urllib.request.urlopen(base + "/_admin/requests", timeout=10) as r:
            log = json.loads(r.read())
        assert [(e["provider"], e["method"], e["path"], e["status"]) for e in log] == [
            ("worldcard", "POST", "/api/v1/card/virtual/apply", 200),
            ("worldcard", "POST", "/api/v1/card/virtual/apply", 401),
            ("payca", "POST", "/v1/cards", 401)], log
        for e in log:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", e["at"]) and e["latency_ms"] >= 0, e
        assert log[0]["verdict"] is None
        assert log[1]["verdict"].startswith("signature") and "signed text changed" in log[1]["verdict"], log[1]
        assert log[2]["verdict"].startswith("x-client-secret matches") and "not shown" in log[2]["verdict"], log[2]
        with urllib.request.urlopen(base + "/_admin/requests?provider=payca&status=4xx", timeout=10) as r:
            assert [e["id"] for e in json.loads(r.read())] == [log[2]["id"]]

        printed = []
        deadline = time.time() + 10
        while len(printed) < 3 and time.time() < deadline:
            try:
                printed.append(json.loads(lines.get(timeout=1)))
            except queue.Empty:
                pass
        assert printed == log, (printed, log)

        # A replay (the same signed bytes, the same nonce): explained against
        # the running sandbox it is a replay; offline it cannot be known.
        nonce = os.urandom(8).hex()
        h, b = worldcard({**apply, "merchant_card_id": f"log3-{time.time_ns()}"}, nonce)
        assert post(wc["base_url"] + "/api/v1/card/virtual/apply", h, b) == 200
        assert post(wc["base_url"] + "/api/v1/card/virtual/apply", h, b) == 401
        with urllib.request.urlopen(base + "/_admin/requests?provider=worldcard&status=401&limit=1", timeout=10) as r:
            (replayed,) = json.loads(r.read())
        assert "explanation" not in replayed
        assert replayed["verdict"].startswith("X-Nonce not used before") and "replay detected" in replayed["verdict"], replayed
        out = subprocess.run([BIN, "explain", "--request-id", str(replayed["id"]), "--sandbox", base], capture_output=True, text=True, timeout=30)
        assert out.returncode == 1, out
        assert f'X-Nonce "{nonce}": replay detected' in out.stdout and "signature" in out.stdout, out.stdout
        assert "new (recorded now)" not in out.stdout and "cannot be known offline" not in out.stdout
        raw = tempfile.NamedTemporaryFile("wb", suffix=".http", delete=False)
        raw.write(b"POST /worldcard/api/v1/card/virtual/apply HTTP/1.1\r\n" + b"".join(f"{k}: {v}\r\n".encode() for k, v in h.items()) + b"\r\n" + b)
        raw.close()
        offline = subprocess.run([BIN, "explain", "worldcard", "--request", raw.name, "--credentials", creds_file], capture_output=True, text=True, timeout=30)
        assert "cannot be known offline" in offline.stdout and "replay detected" not in offline.stdout, offline.stdout
        missing = subprocess.run([BIN, "explain", "--request-id", "999999", "--sandbox", base], capture_output=True, text=True, timeout=30)
        assert missing.returncode != 0 and "no request 999999" in missing.stderr, missing

        # No secret, key or card number, in the log or on stdout.
        text = json.dumps(log)
        secrets = [wc["aes_key"], pc["client_secret"], c["legacy"]["app_secret"], c["pintopay"]["api_secret"], PAN,
                   wc["private_key_pem"].splitlines()[1]]
        for s in secrets:
            assert s not in text, s
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_log_nobody_reads_never_stalls_the_sandbox() -> None:
    """stdout is a pipe this test never reads: 6,000 requests still answer
    (lines that cannot wait are dropped and counted; the admin route keeps
    the newest 10,000)."""
    creds_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    proc = subprocess.Popen([BIN, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds_file], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout
        m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
        assert m
        for i in range(6000):
            with urllib.request.urlopen(m.group(1) + "/_admin/health", timeout=10) as r:
                assert r.status == 200
            if i % 3 == 0:
                assert post(m.group(1) + "/payca/v1/cards", {}, b"{}") == 401
        with urllib.request.urlopen(m.group(1) + "/_admin/requests?limit=5", timeout=10) as r:
            assert len(json.loads(r.read())) == 5
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_event_log_shows_every_attempt_and_resends_the_same_bytes() -> None:
    import hashlib
    import hmac
    import http.server

    got: list[tuple[dict[str, str], bytes]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append((dict(self.headers.items()), body))
            busy = len(got) == 1
            self.send_response(500 if busy else 204)
            self.end_headers()
            if busy:
                self.wfile.write(b"busy, try later")

        def log_message(self, *a: Any) -> None:
            pass

    hooks = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    creds_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    proc = subprocess.Popen([BIN, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds_file, "--time-scale", "0.001", "--log-format", "off",
                             "--webhook-url", f"payca=http://127.0.0.1:{hooks.server_address[1]}/hooks/payca",
                             "--webhook-url", "worldcard=http://127.0.0.1:1/nobody-listens"], stdout=subprocess.PIPE, text=True)

    def cli(*args: str) -> str:
        r = subprocess.run([BIN, *args, "--sandbox", base], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return r.stdout

    try:
        assert proc.stdout
        m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
        assert m
        base = m.group(1)
        secret = json.loads(open(creds_file).read())["payca"]["client_secret"]
        cli("trigger", "payca", "card_transaction", "amount=5.00")
        cli("trigger", "worldcard", "card_billing")
        deadline = time.time() + 20
        while time.time() < deadline and len(got) < 2:
            time.sleep(0.05)
        events = json.loads(urllib.request.urlopen(base + "/_admin/events", timeout=10).read())
        payca = next(e for e in events if e["provider"] == "payca")
        one = json.loads(urllib.request.urlopen(f"{base}/_admin/events/{payca['id']}", timeout=10).read())
        assert one["acked"] and one["attempts"] == 2, one
        first, second = one["history"]
        assert first["status"] == 500 and "answered 500" in first["error"] and "busy, try later" in first["error"], first
        assert second["status"] == 204 and second["error"] is None, second
        assert one["payload"]["data"]["amount"] == "5.00" and one["body"].encode() == got[0][1]
        # Retrying toward a closed port: the connection error, and when the next try is due.
        wc = next(e for e in events if e["provider"] == "worldcard")
        wc_now = json.loads(urllib.request.urlopen(f"{base}/_admin/events/{wc['id']}", timeout=10).read())
        assert wc_now["history"] and "refused" in wc_now["history"][0]["error"].lower(), wc_now["history"]
        listed = cli("events", "list")
        assert re.search(rf"^\s*{payca['id']}\s+payca\s+card_transaction\s+acked\s+2\b", listed, re.M), listed
        shown = json.loads(cli("events", "show", str(payca["id"])))
        assert shown["history"] == one["history"]
        # Resend: the same bytes, signed as before (checked with hmac here), now.
        out = json.loads(cli("events", "resend", str(payca["id"])))
        assert out["acknowledged"] is True and out["attempt"]["resend"] is True, out
        headers, body = got[-1]
        assert body == got[0][1]
        want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert {k.lower(): v for k, v in headers.items()}["x-signature"] == want
        after = json.loads(urllib.request.urlopen(f"{base}/_admin/events/{payca['id']}", timeout=10).read())
        assert after["attempts"] == 3 and after["history"][-1]["resend"] is True, after
        bad = subprocess.run([BIN, "events", "show", "99999", "--sandbox", base], capture_output=True, text=True, timeout=30)
        assert bad.returncode == 2 and "no event 99999" in bad.stderr, bad.stderr
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        hooks.shutdown()


def test_webhook_urls_come_from_flags_the_credentials_file_or_the_admin_api() -> None:
    first = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    procs = []

    def start(*args: str) -> str:
        proc = subprocess.Popen([BIN, "sandbox", "--listen", "127.0.0.1:0", "--log-format", "off", *args], stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout
        m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
        assert m
        return m.group(1)

    def urls(base: str) -> Any:
        return json.loads(urllib.request.urlopen(base + "/_admin/webhook-urls", timeout=10).read())

    def put(base: str, body: Any) -> tuple[int, Any]:
        r = urllib.request.Request(base + "/_admin/webhook-urls", data=json.dumps(body).encode(), method="PUT")
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    try:
        a = start("--credentials-out", first, "--webhook-url", "payca=http://127.0.0.1:9/hooks/payca")
        assert urls(a) == {"payca": "http://127.0.0.1:9/hooks/payca"}
        assert json.loads(open(first).read())["payca"]["webhook_url"] == "http://127.0.0.1:9/hooks/payca"
        # The same credentials file starts a sandbox with the same URLs; a flag wins.
        b = start("--credentials", first, "--webhook-url", "worldcard=http://127.0.0.1:9/hooks/worldcard")
        assert urls(b) == {"payca": "http://127.0.0.1:9/hooks/payca", "worldcard": "http://127.0.0.1:9/hooks/worldcard"}
        # The admin API sets and removes; a trigger without a URL is an error that says how to set one.
        assert put(b, {"wasabi": "http://127.0.0.1:9/w", "payca": None}) == (200, {"wasabi": "http://127.0.0.1:9/w", "worldcard": "http://127.0.0.1:9/hooks/worldcard"})
        assert put(b, {"gateway": "http://x/"})[0] == 400
        code, err = put(b, {"paica": "http://x/"})
        assert code == 400 and "unknown provider paica" in err["error"], err
        r = subprocess.run([BIN, "trigger", "payca", "card_transaction", "--sandbox", b], capture_output=True, text=True, timeout=30)
        assert r.returncode != 0 and "no webhook URL for payca" in r.stderr, r.stderr
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)
