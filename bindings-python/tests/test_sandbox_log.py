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
