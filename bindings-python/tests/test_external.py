"""Keys held outside the process: cardwire's prepare/finish forms with a real
SoftHSM token (python-pkcs11), Python `cryptography` as the independent
verifier and encryptor, and misconfigured signers made with `cryptography`
and SoftHSM giving `signer_mismatch` with the likely cause."""
from __future__ import annotations

import asyncio
import json
import pathlib
import shutil
import subprocess
from typing import Any, Iterator

import cardwire
import cardwire.signers
import pkcs11
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from pkcs11 import MGF, Mechanism, ObjectClass

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYS = ROOT / "tests" / "vectors" / "keys"
AES = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"
MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def text(name: str) -> str:
    return (KEYS / name).read_text()


def private(name: str) -> Any:
    return serialization.load_pem_private_key((KEYS / f"{name}.pkcs8.pem").read_bytes(), None)


@pytest.fixture(scope="module")
def hsm() -> Iterator[Any]:
    """A SoftHSM token of its own under the clone (target/softhsm-py), removed afterwards."""
    if not shutil.which("softhsm2-util"):
        pytest.fail("softhsm2-util is not installed: `make test` installs Debian's softhsm2")
    directory = ROOT / "target" / "softhsm-py"
    conf = subprocess.run([str(ROOT / "scripts" / "softhsm-token.sh"), str(directory)], check=True,
                          capture_output=True, text=True).stdout.strip()
    import os

    os.environ["SOFTHSM2_CONF"] = conf
    token = pkcs11.lib(MODULE).get_token(token_label="cardwire")
    with token.open(user_pin="1234") as session:
        yield session
    shutil.rmtree(directory, ignore_errors=True)


def hsm_key(session: Any, label: str) -> Any:
    return session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=label)


def pss(session: Any, label: str) -> Any:
    key = hsm_key(session, label)

    def sign(sign_input: bytes, *, algorithm: str, digest: bytes) -> bytes:
        assert algorithm == "RSASSA_PSS_SHA_256" and len(digest) == 32
        return bytes(key.sign(sign_input, mechanism=Mechanism.SHA256_RSA_PKCS_PSS,
                               mechanism_param=(Mechanism.SHA256, MGF.SHA256, 32)))
    return sign


def pkcs1(session: Any, label: str) -> Any:
    key = hsm_key(session, label)

    def sign(sign_input: bytes, *, algorithm: str, digest: bytes) -> bytes:
        assert algorithm == "RSASSA_PKCS1_V1_5_SHA_256"
        return bytes(key.sign(sign_input, mechanism=Mechanism.SHA256_RSA_PKCS))
    return sign


def worldcard_merchant() -> Any:
    # The private key stays in the HSM: the merchant holds its public half.
    return cardwire.WorldCardMerchant(app_id="app_demo", private_key_pem=text("merchant_2048.spki.pem"), external_key=True, aes_key=AES,
                                      platform_public_key_pem=text("platform_2048.spki.pem"))


def test_worldcard_request_signed_in_softhsm_verifies_with_cryptography(hsm: Any) -> None:
    merchant = worldcard_merchant()
    with pytest.raises(cardwire.InvalidKey, match="outside the process"):
        merchant.build_request("/api/v1/card/virtual/get_info", {"card_id": "c-1"})
    prepared = merchant.prepare_request("/api/v1/card/virtual/get_info", {"card_id": "c-1"}, now_ms=1_760_000_000_000)
    assert prepared["algorithm"] == "RSASSA_PSS_SHA_256"
    assert prepared["headers"]["X-Signature"] == ""
    req = asyncio.run(cardwire.signers.finish_with(merchant, prepared, pss(hsm, "merchant_2048")))
    h = req["headers"]
    signed = req["body"] + h["X-Timestamp"].encode() + h["X-Nonce"].encode()
    assert signed == prepared["sign_input"]
    import base64
    import hashlib

    assert hashlib.sha256(signed).digest() == prepared["digest"]
    private("merchant_2048").public_key().verify(base64.b64decode(h["X-Signature"]), signed,
                                                 padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    platform = cardwire.WorldCardPlatform(app_id="app_demo", merchant_public_key_pem=text("merchant_2048.spki.pem"), aes_key=AES)
    assert platform.verify_request(h, req["body"], now_ms=1_760_000_000_000) == {"card_id": "c-1"}


def test_worldcard_webhook_signed_in_softhsm(hsm: Any) -> None:
    platform = cardwire.WorldCardPlatform(app_id="app_demo", merchant_public_key_pem=text("merchant_2048.spki.pem"), aes_key=AES,
                                          platform_private_key_pem=text("platform_2048.spki.pem"), external_key=True)
    prepared = platform.prepare_webhook("card_deposit", {"card_id": "c-1", "amount": "50.00", "status": 1},
                                        timestamp_ms=1_760_000_000_000)
    hook = asyncio.run(cardwire.signers.finish_with(platform, prepared, pss(hsm, "platform_2048")))
    import base64

    h = hook["headers"]
    private("platform_2048").public_key().verify(base64.b64decode(h["X-Signature"]), prepared["sign_input"],
                                                 padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    event = worldcard_merchant().verify_webhook(h, hook["body"], now_ms=1_760_000_000_000)
    assert event.data["amount"] == "50.00" and not event.duplicate


def test_wasabi_request_and_notification_signed_in_softhsm(hsm: Any) -> None:
    import base64

    merchant = cardwire.WasabiMerchant(api_key="k-1", private_key_pem=text("merchant_1024.spki.pem"), external_key=True,
                                       platform_public_key_pem=text("platform_1024.spki.pem"))
    prepared = merchant.prepare_request("/merchant/core/mcb/card/info", {"cardNo": "123"})
    assert prepared["algorithm"] == "RSASSA_PKCS1_V1_5_SHA_256" and prepared["sign_input"] == prepared["body"]
    req = merchant.finish_request(prepared, pkcs1(hsm, "merchant_1024")(prepared["sign_input"], algorithm=prepared["algorithm"],
                                                                         digest=prepared["digest"]))
    private("merchant_1024").public_key().verify(base64.b64decode(req["headers"]["X-WSB-SIGNATURE"]), req["body"],
                                                 padding.PKCS1v15(), hashes.SHA256())
    upload = merchant.prepare_upload("id.png", "image/png", b"\x89PNG....", "ID_CARD")
    assert upload["sign_input"] == b"{}"
    asyncio.run(cardwire.signers.finish_with(merchant, upload, pkcs1(hsm, "merchant_1024")))

    platform = cardwire.WasabiPlatform(api_key="k-1", platform_private_key_pem=text("platform_1024.spki.pem"),
                                       merchant_public_key_pem=text("merchant_1024.spki.pem"), external_key=True)
    note = platform.prepare_webhook("card_transaction", {"orderNo": "o-1", "amount": "12.30"}, request_id="r-1")
    hook = asyncio.run(cardwire.signers.finish_with(platform, note, pkcs1(hsm, "platform_1024")))
    assert merchant.verify_webhook(hook["headers"], hook["body"]).data["amount"] == "12.30"
    answer = asyncio.run(cardwire.signers.finish_with(platform, platform.prepare_response({"ok": True}), pkcs1(hsm, "platform_1024")))
    assert merchant.open_response(200, answer["headers"], answer["body"])["authenticated"]


@pytest.mark.parametrize("pad,mechanism,param", [
    ("pkcs1v15", Mechanism.RSA_PKCS, None),
    ("oaep-sha1", Mechanism.RSA_PKCS_OAEP, (Mechanism.SHA_1, MGF.SHA1, None)),
])  # SoftHSM 2.6 does OAEP with SHA-1 only (CKR_ARGUMENTS_BAD for SHA-256)
def test_wasabi_fields_encrypted_by_cryptography_decrypt_in_softhsm(hsm: Any, pad: str, mechanism: Any, param: Any) -> None:
    import base64

    pub = private("merchant_1024").public_key()
    scheme = {"pkcs1v15": padding.PKCS1v15(),
              "oaep-sha1": padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None),
              "oaep-sha256": padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None)}[pad]
    long = "https://activate.example/" + "x" * 150  # more than one 1024-bit block
    field = base64.b64encode(b"".join(pub.encrypt(long.encode()[i:i + 40], scheme) for i in range(0, len(long), 40))).decode()
    merchant = cardwire.WasabiMerchant(api_key="k-1", private_key_pem=text("merchant_1024.spki.pem"), external_key=True, field_padding=pad)
    key = hsm_key(hsm, "merchant_1024")

    async def decrypt(block: bytes, *, algorithm: str) -> bytes:
        return bytes(key.decrypt(block, mechanism=mechanism, mechanism_param=param))

    assert len(merchant.prepare_decrypt(field)["blocks"]) == 5
    assert asyncio.run(cardwire.signers.decrypt_with(merchant, field, decrypt)) == long
    # A decryptor that hands back the raw RSA result (no padding removed).
    raw = hsm_key(hsm, "merchant_1024")
    prepared = merchant.prepare_decrypt(field)
    with pytest.raises(cardwire.SignerMismatch, match="raw RSA result"):
        merchant.finish_decrypt(prepared, [bytes(raw.decrypt(b, mechanism=Mechanism.RSA_X_509)) for b in prepared["blocks"]])


def misconfigured(kind: str, sign_input: bytes) -> bytes:
    import hashlib

    key = private("merchant_2048")
    if kind == "salt 20":
        return key.sign(sign_input, padding.PSS(padding.MGF1(hashes.SHA256()), 20), hashes.SHA256())
    if kind == "wrong key":
        return private("other_2048").sign(sign_input, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    if kind == "pkcs1 instead of pss":
        return key.sign(sign_input, padding.PKCS1v15(), hashes.SHA256())
    if kind == "digest twice":  # the digest given as a message: hashed again
        return key.sign(hashlib.sha256(sign_input).digest(), padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    raise AssertionError(kind)


@pytest.mark.parametrize("kind,cause", [
    ("salt 20", "salt length 20; WorldCard expects 32"),
    ("wrong key", "the signer used another key"),
    ("pkcs1 instead of pss", "a PKCS#1 v1.5 signature; WorldCard expects RSA-PSS"),
    ("digest twice", "hashed the digest again"),
])
def test_misconfigured_signers_are_named(kind: str, cause: str) -> None:
    merchant = worldcard_merchant()
    prepared = merchant.prepare_request("/api/v1/card/virtual/get_info", {"card_id": "c-1"})
    with pytest.raises(cardwire.SignerMismatch) as e:
        merchant.finish_request(prepared, misconfigured(kind, prepared["sign_input"]))
    assert e.value.code == "signer_mismatch" and cause in str(e.value), str(e.value)
    # The right signature finishes the same prepared request.
    right = private("merchant_2048").sign(prepared["sign_input"], padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    assert merchant.finish_request(prepared, right)["headers"]["X-Signature"]


def test_wasabi_misconfigurations(hsm: Any) -> None:
    import hashlib

    merchant = cardwire.WasabiMerchant(api_key="k-1", private_key_pem=text("merchant_1024.spki.pem"), external_key=True)
    prepared = merchant.prepare_request("/merchant/core/mcb/card/info", {"cardNo": "123"})
    key = private("merchant_1024")
    cases = {
        "an RSA-PSS signature; Wasabi expects PKCS#1 v1.5": key.sign(prepared["sign_input"], padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()),
        "hashed the digest again": key.sign(prepared["digest"], padding.PKCS1v15(), hashes.SHA256()),
        # Raw CKM_RSA_PKCS over the bare digest, no DigestInfo: a real HSM mistake.
        "without its DigestInfo": bytes(hsm_key(hsm, "merchant_1024").sign(hashlib.sha256(prepared["sign_input"]).digest(), mechanism=Mechanism.RSA_PKCS)),
        "the signer used another key": private("merchant_2048").sign(prepared["sign_input"], padding.PKCS1v15(), hashes.SHA256()),
        "encoded": b"A" * 200,
    }
    for cause, signature in cases.items():
        with pytest.raises(cardwire.SignerMismatch, match=cause):
            merchant.finish_request(prepared, signature)


def test_a_public_key_needs_external_key() -> None:
    with pytest.raises(cardwire.InvalidKey, match="external_key"):
        cardwire.WorldCardMerchant(app_id="a", private_key_pem=text("merchant_2048.spki.pem"), aes_key=AES)
    with pytest.raises(cardwire.InvalidKey, match="public key"):
        cardwire.WorldCardMerchant(app_id="a", private_key_pem=text("merchant_2048.pkcs8.pem"), aes_key=AES, external_key=True)


def test_a_tampered_prepared_request_does_not_finish() -> None:
    merchant = worldcard_merchant()
    prepared = merchant.prepare_request("/api/v1/card/virtual/get_info", {"card_id": "c-1"})
    signature = private("merchant_2048").sign(prepared["sign_input"], padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    changed = dict(prepared, headers={**prepared["headers"], "X-Nonce": "other"})
    with pytest.raises(cardwire.SignerMismatch):
        merchant.finish_request(changed, signature)
    with pytest.raises(cardwire.InvalidInput, match="signature"):
        asyncio.run(cardwire.signers.finish_with(merchant, prepared, lambda i, **k: "base64-text"))
    _ = json, InvalidSignature, utils


def test_the_sandbox_driven_by_a_merchant_whose_key_is_in_softhsm(hsm: Any, tmp_path: pathlib.Path) -> None:
    """`cardwire sandbox` checks requests signed in SoftHSM like any other:
    the sandbox's WorldCard and Wasabi merchant keys are imported into the
    token and used only from there."""
    import os
    import re
    import tempfile
    import urllib.request

    binary = os.environ.get("CARDWIRE_BIN", str(ROOT / "target/release/cardwire"))
    creds_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    proc = subprocess.Popen([binary, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds_file], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout and re.search(r"listening on", proc.stdout.readline())
        creds = json.loads(open(creds_file).read())
        pkcs11_key = {}
        for provider in ("worldcard", "wasabi"):
            pem = serialization.load_pem_private_key(creds[provider]["private_key_pem"].encode(), None)
            path = tmp_path / f"{provider}.pem"
            path.write_bytes(pem.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            subprocess.run(["softhsm2-util", "--import", str(path), "--token", "cardwire", "--label", f"sandbox_{provider}",
                            "--id", "a1" if provider == "worldcard" else "a2", "--pin", "1234"], check=True, capture_output=True)
            path.unlink()  # the key now lives in the token only
            pkcs11_key[provider] = pem.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

        def send(req: Any, base: str) -> Any:
            r = urllib.request.Request(base + req["path"], data=req["body"], method=req["method"], headers=req["headers"])
            with urllib.request.urlopen(r, timeout=15) as resp:
                return resp.status, dict(resp.headers), resp.read()

        c = creds["worldcard"]
        wc = cardwire.WorldCardMerchant(app_id=c["app_id"], private_key_pem=pkcs11_key["worldcard"], external_key=True, aes_key=c["aes_key"])
        apply = {"merchant_card_id": f"hsm-{os.getpid()}", "card_type": "VIRTUAL-V", "card_bin_id": "bin_1", "first_recharge_amount": "20.00",
                 "first_name": "Ann", "last_name": "Lee", "state": "CA", "country_code": "US", "city": "LA", "address": "1 Main St", "postal_code": "90001"}
        prepared = wc.prepare_request("/api/v1/card/virtual/apply", apply)
        request = asyncio.run(cardwire.signers.finish_with(wc, prepared, pss(hsm, "sandbox_worldcard")))
        status, headers, body = send(request, c["base_url"])
        opened = wc.open_response(status, headers, body)
        assert opened["code"] == "0" and opened["data"], opened

        c = creds["wasabi"]
        wb = cardwire.WasabiMerchant(api_key=c["api_key"], private_key_pem=pkcs11_key["wasabi"], external_key=True,
                                     platform_public_key_pem=c["platform_public_key_pem"])
        holder = {"cardHolderModel": "B2B", "merchantOrderNo": f"hsm-{os.getpid()}-0000001", "firstName": "Ann", "lastName": "Lee",
                  "email": "ann@example.com", "areaCode": "+1", "mobile": "5551234567", "birthday": "1990-01-01", "country": "US",
                  "town": "NY", "address": "1 Main St", "postCode": "10001"}
        prepared = wb.prepare_request("/merchant/core/mcb/card/holder/v2/create", holder)
        request = asyncio.run(cardwire.signers.finish_with(wb, prepared, pkcs1(hsm, "sandbox_wasabi")))
        status, headers, body = send(request, c["base_url"])
        opened = wb.open_response(status, headers, body)
        assert opened["authenticated"] and opened["data"], opened
    finally:
        proc.terminate()
        proc.wait(timeout=10)
