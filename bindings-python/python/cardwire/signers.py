"""Keys that never enter the process: finish a prepared envelope with a
signer that lives elsewhere (an HSM through PKCS#11, AWS KMS, Google Cloud
KMS, a remote signing service).

``prepare_request`` (``prepare_webhook``, ``prepare_response``) builds
everything but the signature and returns the exact bytes to sign
(``sign_input``), their SHA-256 (``digest``) and the ``algorithm``
(``RSASSA_PSS_SHA_256`` with salt 32 for WorldCard,
``RSASSA_PKCS1_V1_5_SHA_256`` for Wasabi). ``finish_…`` checks the signature
with the public key first: a misconfigured signer is ``SignerMismatch``
naming the likely cause, never a provider's 401 later.

``finish_with`` does both steps with your signer, sync or async::

    async def kms_sign(sign_input: bytes, *, algorithm: str, digest: bytes) -> bytes:
        r = await kms.sign(KeyId=KEY, Message=digest, MessageType="DIGEST", SigningAlgorithm=algorithm)
        return r["Signature"]

    request = await cardwire.signers.finish_with(merchant, merchant.prepare_request(path, payload), kms_sign)
"""
from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Union

Signature = Union[bytes, bytearray, memoryview]
SignFn = Callable[..., Union[Signature, Awaitable[Signature]]]
DecryptFn = Callable[..., Union[Signature, Awaitable[Signature]]]


async def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Calls a sync or async signer; what it returns goes to ``finish_…`` as
    it is (a wrong type is the core's own ``InvalidInput``)."""
    out = fn(*args, **kwargs)
    if inspect.isawaitable(out):
        out = await out
    return bytes(out) if isinstance(out, (bytearray, memoryview)) else out


async def finish_with(owner: Any, prepared: Any, sign: SignFn) -> Any:
    """Signs ``prepared["sign_input"]`` with ``sign(sign_input, *, algorithm, digest)``
    and finishes: a request (``finish_request``), a response
    (``finish_response``) or a webhook (``finish_webhook``)."""
    signature = await _call(sign, prepared["sign_input"], algorithm=prepared["algorithm"], digest=prepared["digest"])
    if "method" in prepared:
        return owner.finish_request(prepared, signature)
    if "status" in prepared:
        return owner.finish_response(prepared, signature)
    return owner.finish_webhook(prepared, signature)


async def decrypt_with(owner: Any, value: str, decrypt: DecryptFn) -> str:
    """Decrypts a Wasabi card field with ``decrypt(block, *, algorithm)``
    (each modulus-sized block on its own; return the plaintext with the
    padding removed) and joins the blocks."""
    prepared = owner.prepare_decrypt(value)
    plaintexts = [await _call(decrypt, block, algorithm=prepared["algorithm"]) for block in prepared["blocks"]]
    result: str = owner.finish_decrypt(prepared, plaintexts)
    return result


__all__ = ["finish_with", "decrypt_with"]
