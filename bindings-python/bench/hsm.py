"""Sign latency through SoftHSM (python-pkcs11, the two-step form) against the
in-process native key, one run, alternating, best of five; each path checked
first (the request verifies on the platform side). `make bench-hsm`."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import time

import cardwire
import cardwire.signers
import pkcs11
from pkcs11 import MGF, Mechanism, ObjectClass

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYS = ROOT / "tests" / "vectors" / "keys"
AES = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
PAYLOAD = {"card_id": "c-1", "note": "x" * 900}
N = 300

directory = ROOT / "target" / "softhsm-bench"
os.environ["SOFTHSM2_CONF"] = subprocess.run([str(ROOT / "scripts" / "softhsm-token.sh"), str(directory)],
                                             check=True, capture_output=True, text=True).stdout.strip()
try:
    session = pkcs11.lib("/usr/lib/softhsm/libsofthsm2.so").get_token(token_label="cardwire").open(user_pin="1234")
    key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label="merchant_2048")
    inside = cardwire.WorldCardMerchant(app_id="a", private_key_pem=(KEYS / "merchant_2048.pkcs8.pem").read_text(), aes_key=AES)
    outside = cardwire.WorldCardMerchant(app_id="a", private_key_pem=(KEYS / "merchant_2048.spki.pem").read_text(), external_key=True, aes_key=AES)
    platform = cardwire.WorldCardPlatform(app_id="a", merchant_public_key_pem=(KEYS / "merchant_2048.spki.pem").read_text(), aes_key=AES)

    def hsm() -> dict:
        p = outside.prepare_request("/api/v1/card/virtual/get_info", PAYLOAD, validate=False)
        sig = key.sign(p["sign_input"], mechanism=Mechanism.SHA256_RSA_PKCS_PSS, mechanism_param=(Mechanism.SHA256, MGF.SHA256, 32))
        return outside.finish_request(p, bytes(sig))

    def local() -> dict:
        return inside.build_request("/api/v1/card/virtual/get_info", PAYLOAD, validate=False)

    for fn in (hsm, local):
        r = fn()
        assert platform.verify_request(r["headers"], r["body"])["card_id"] == "c-1"
    best = {"hsm": float("inf"), "local": float("inf")}
    for _ in range(5):
        for name, fn in (("hsm", hsm), ("local", local)):
            t = time.perf_counter()
            for _ in range(N):
                fn()
            best[name] = min(best[name], (time.perf_counter() - t) / N)
    print(f"backend {cardwire.backend}, SoftHSM 2.6, RSA-2048, WorldCard request 1 KB")
    print("| path | per request | ratio |")
    print("|---|---|---|")
    print(f"| prepare_request + SoftHSM C_Sign (CKM_SHA256_RSA_PKCS_PSS) + finish_request | {best['hsm'] * 1e6:.0f} µs | {best['hsm'] / best['local']:.2f}× |")
    print(f"| build_request, key in process (native) | {best['local'] * 1e6:.0f} µs | 1.00× |")
    session.close()
finally:
    shutil.rmtree(directory, ignore_errors=True)
