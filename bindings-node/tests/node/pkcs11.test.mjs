// Keys in an HSM, from Node: pkcs11js over a SoftHSM token of its own
// (target/softhsm-node, created by scripts/softhsm-token.sh, removed
// afterwards). WorldCard requests and webhooks and Wasabi requests and
// notifications are signed in the token through prepare…/finishWith and
// verified by node:crypto; Wasabi fields encrypted by node:crypto (OAEP-SHA1,
// which SoftHSM and Node 20 both do) decrypt in the token through decryptWith.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createPublicKey, publicEncrypt, verify as nodeVerify, constants } from 'node:crypto';
import { createRequire } from 'node:module';
import * as cw from 'cardwire';
import { finishWith, decryptWith } from 'cardwire/signers';
import { key } from './helpers.mjs';

const require = createRequire(import.meta.url);
const pkcs11js = require('pkcs11js');
const AES = '7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
const dir = new URL('../../../target/softhsm-node', import.meta.url).pathname;
let p11, session;

test.before(() => {
  process.env.SOFTHSM2_CONF = execFileSync(new URL('../../../scripts/softhsm-token.sh', import.meta.url).pathname, [dir], { encoding: 'utf8' }).trim();
  p11 = new pkcs11js.PKCS11();
  p11.load('/usr/lib/softhsm/libsofthsm2.so');
  p11.C_Initialize();
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === 'cardwire');
  session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
  p11.C_Login(session, pkcs11js.CKU_USER, '1234');
});
test.after(() => { p11.C_Logout(session); p11.C_CloseSession(session); p11.C_Finalize(); rmSync(dir, { recursive: true, force: true }); });

function handle(label) {
  p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_LABEL, value: label }]);
  const [h] = p11.C_FindObjects(session, 1);
  p11.C_FindObjectsFinal(session);
  assert.ok(h, label);
  return h;
}

// The signer a Node back end writes over its HSM: the mechanism follows the algorithm.
const hsmSigner = (label) => (signInput, { algorithm }) => {
  const mechanism = algorithm === 'RSASSA_PSS_SHA_256'
    ? { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS, parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, saltLen: 32 } }
    : { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS };
  p11.C_SignInit(session, mechanism, handle(label));
  return p11.C_Sign(session, Buffer.from(signInput), Buffer.alloc(512));
};

test('WorldCard request and webhook signed in SoftHSM; node:crypto verifies', async () => {
  const m = new cw.WorldCardMerchant({ appId: 'app_demo', privateKeyPem: key('merchant_2048.spki.pem'), externalKey: true, aesKey: AES, platformPublicKeyPem: key('platform_2048.spki.pem') });
  const prepared = m.prepareRequest('/api/v1/card/virtual/get_info', { card_id: 'c-1' });
  const req = await finishWith(m, prepared, hsmSigner('merchant_2048'));
  assert.ok(nodeVerify('sha256', prepared.signInput, { key: createPublicKey(key('merchant_2048.spki.pem')), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(req.headers['X-Signature'], 'base64')));
  const p = new cw.WorldCardPlatform({ appId: 'app_demo', merchantPublicKeyPem: key('merchant_2048.spki.pem'), aesKey: AES, platformPrivateKeyPem: key('platform_2048.spki.pem'), externalKey: true });
  assert.deepEqual(p.verifyRequest(req.headers, req.body), { card_id: 'c-1' });
  const hook = await finishWith(p, p.prepareWebhook('card_deposit', { card_id: 'c-1', amount: '9.99', status: 1 }), hsmSigner('platform_2048'));
  assert.equal(m.verifyWebhook(hook.headers, hook.body).data.amount, '9.99');
});

test('Wasabi request and notification signed in SoftHSM; fields decrypted in SoftHSM', async () => {
  const m = new cw.WasabiMerchant({ apiKey: 'k-1', privateKeyPem: key('merchant_1024.spki.pem'), externalKey: true, platformPublicKeyPem: key('platform_1024.spki.pem'), fieldPadding: 'oaep-sha1' });
  const prepared = m.prepareRequest('/merchant/core/mcb/card/info', { cardNo: '123' });
  const req = await finishWith(m, prepared, hsmSigner('merchant_1024'));
  assert.ok(nodeVerify('sha256', req.body, createPublicKey(key('merchant_1024.spki.pem')), Buffer.from(req.headers['X-WSB-SIGNATURE'], 'base64')));
  const p = new cw.WasabiPlatform({ apiKey: 'k-1', platformPrivateKeyPem: key('platform_1024.spki.pem'), merchantPublicKeyPem: key('merchant_1024.spki.pem'), externalKey: true });
  const hook = await finishWith(p, p.prepareWebhook('card_transaction', { orderNo: 'o-1', amount: '1.10' }), hsmSigner('platform_1024'));
  assert.equal(m.verifyWebhook(hook.headers, hook.body).data.amount, '1.10');

  const pub = createPublicKey(key('merchant_1024.spki.pem'));
  const field = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from('4111111111111111')).toString('base64');
  const out = await decryptWith(m, field, (block, { algorithm }) => {
    assert.equal(algorithm, 'RSAES_OAEP_SHA_1');
    p11.C_DecryptInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS_OAEP, parameter: { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1, source: 1 } }, handle('merchant_1024'));
    return p11.C_Decrypt(session, Buffer.from(block), Buffer.alloc(256));
  });
  assert.equal(out, '4111111111111111');
  // The wrong token key for this merchant: named before anything is sent.
  await assert.rejects(finishWith(m, m.prepareRequest('/merchant/core/mcb/card/info', { cardNo: '1' }), hsmSigner('platform_1024')), (e) => e.code === 'signer_mismatch' && /another key/.test(e.message));
});
