// The shared conformance vectors (made by Python cryptography, PyNaCl and
// hashlib/hmac) walked through the WebAssembly package under Node.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  CardwireError, WorldCardMerchant, WorldCardPlatform, WorldCardLegacy, WasabiMerchant, WasabiPlatform,
  WasabiGateway, PinToPayMerchant, PinToPayPlatform, PayCaClient,
} from 'cardwire';
import { cases, key, codeOf } from './helpers.mjs';

const code = (fn) => codeOf(fn, CardwireError);

test('worldcard vectors', () => {
  let n = 0;
  for (const [name, c] of cases('worldcard')) {
    if (c.kind === 'pss_verify') continue; // exercised through every webhook and request vector
    n++;
    const merchant = () => new WorldCardMerchant({
      appId: 'app_cardwire_test', privateKeyPem: key('merchant_2048.pkcs8.pem'), aesKey: c.aes_key,
      platformPublicKeyPem: c.platform_public_key ? key(c.platform_public_key) : undefined,
      webhookWindowMs: c.window_ms,
    });
    if (c.kind === 'gcm_open') {
      const m = merchant();
      let out;
      assert.equal(code(() => { out = m.decryptField(c.value); }), c.expect, name);
      if (c.expect === 'ok') assert.equal(out, c.plaintext, name);
      m.free();
    } else if (c.kind === 'webhook') {
      const m = merchant();
      let ev;
      assert.equal(code(() => { ev = m.verifyWebhook(c.headers, c.body, { nowMs: c.now_ms }); }), c.expect, name);
      if (c.expect === 'ok') {
        assert.equal(ev.type, c.notify_type, name);
        assert.deepEqual(ev.raw, c.payload, name);
        assert.equal(ev.businessKey, c.business_key, name);
        assert.equal(ev.duplicate, false);
        assert.ok(ev.deliveryKey.endsWith(`:id:${c.nonce_sha256}`), name);
        assert.equal(ev.retentionMs, 48 * 3600 * 1000, name);
        const again = m.verifyWebhook(new Headers(c.headers), new TextEncoder().encode(c.body), { nowMs: c.now_ms + 60000 });
        assert.equal(again.duplicate, true, `${name}: redelivery is a duplicate, not an error`);
      }
      m.free();
    } else if (c.kind === 'request') {
      const p = new WorldCardPlatform({ appId: c.app_id, merchantPublicKeyPem: key(c.merchant_public_key), aesKey: c.aes_key });
      let payload;
      assert.equal(code(() => { payload = p.verifyRequest(c.headers, c.body, { nowMs: c.now_s * 1000 }); }), c.expect, name);
      if (c.expect === 'ok') assert.deepEqual(payload, c.payload, name);
      p.free();
    } else if (c.kind === 'response') {
      const m = merchant();
      let r;
      assert.equal(code(() => { r = m.openResponse(200, {}, c.body); }), c.expect, name);
      if (c.expect === 'ok') {
        assert.deepEqual(r.data, c.data ?? null, name);
        assert.deepEqual(r.unencryptedFields, c.unencrypted_fields ?? [], name);
        assert.equal(r.code, '0', name);
      }
      m.free();
    }
  }
  assert.ok(n > 40, `ran ${n}`);
});

test('pintopay vectors', () => {
  for (const [name, c] of cases('pintopay')) {
    if (c.kind === 'request') {
      const p = new PinToPayPlatform({ apiKey: c.api_key, apiSecret: c.api_secret });
      let payload;
      assert.equal(code(() => { payload = p.verifyRequest(c.headers, c.body, { path: c.path, nowMs: c.now_us / 1000 }); }), c.expect, name);
      if (c.expect === 'ok') assert.deepEqual(payload, c.payload, name);
    } else if (c.kind === 'response') {
      const m = new PinToPayMerchant({ apiKey: c.api_key, apiSecret: c.api_secret });
      let data, err;
      try { data = m.openResponse(c.status ?? 200, {}, c.body).data; } catch (e) { err = e; }
      assert.equal(err ? err.code : 'ok', c.expect, name);
      if (c.expect === 'ok') assert.deepEqual(data, c.data);
      if (c.expect === 'api_error') {
        assert.equal(err.providerCode, c.slug, name);
        assert.equal(err.retryable, c.retryable, name);
      }
    } else if (c.kind === 'webhook') {
      const m = new PinToPayMerchant({ apiKey: c.api_key, apiSecret: c.api_secret });
      let ev;
      const now = c.now_us / 1000;
      assert.equal(code(() => { ev = m.verifyWebhook(c.headers, c.body, { nowMs: now }); }), c.expect, name);
      if (c.expect === 'ok') {
        assert.equal(ev.type, c.event_type, name);
        // No send time is signed: the payload's own times are data.
        assert.equal(ev.timestampMs, null, name);
        assert.equal(ev.businessKey, c.business_key, name);
        assert.ok(ev.deliveryKey.endsWith(`:content:${c.content_sha256}`), name);
        assert.equal(m.verifyWebhook(c.headers, c.body, { nowMs: now + 1 }).duplicate, true);
      }
    }
  }
});

test('payca vectors', () => {
  for (const [name, c] of cases('payca')) {
    const client = new PayCaClient({ clientId: c.client_id, clientSecret: c.client_secret });
    let ev;
    assert.equal(code(() => { ev = client.verifyWebhook(c.headers, c.body, { nowMs: c.now_ms }); }), c.expect, name);
    if (c.expect === 'ok') {
      assert.equal(ev.type, c.event_type === 'unknown' ? '' : c.event_type, name);
      assert.equal(ev.deliveryId, c.delivery_id ?? null, name);
      assert.equal(ev.timestampMs, null, name);
      if (c.business_key !== undefined) assert.equal(ev.businessKey, c.business_key, name);
      assert.ok(ev.deliveryKey.endsWith(`:content:${c.content_sha256}`), name);
      // A fresh unsigned x-request-id never makes a replay look new.
      const fresh = c.headers.filter(([k]) => k.toLowerCase() !== 'x-request-id').concat([['x-request-id', 'brand-new']]);
      assert.equal(client.verifyWebhook(fresh, c.body, { nowMs: c.now_ms + 1 }).duplicate, true, name);
    }
  }
});

test('worldcard legacy vectors', () => {
  const names = { top_up: 'top_up', kyc: 'kyc', bill: 'bill', close: 'close', otp: 'otp', virtual_p: 'virtual_p', oob: 'oob', transfer_order: 'transfer_order' };
  for (const [name, c] of cases('worldcard_legacy')) {
    if (c.kind === 'ecb') {
      let out;
      const got = code(() => { out = new WorldCardLegacy({ appKey: 'k', appSecret: c.key }).decryptField(c.value); });
      assert.equal(got, c.expect, name);
      if (c.expect === 'ok') assert.equal(out, c.plaintext, name);
    } else if (c.kind === 'response') {
      const l = new WorldCardLegacy({ appKey: 'k', appSecret: c.secret });
      let data, err;
      try { data = l.openResponse(200, {}, c.body).data; } catch (e) { err = e; }
      assert.equal(err ? err.code : 'ok', c.expect, name);
      if (c.expect === 'ok') assert.deepEqual(data, c.data, name);
      else assert.equal(err.outcomeUnknown, c.outcome_unknown, name);
    } else if (c.kind === 'webhook') {
      const l = new WorldCardLegacy({ appKey: c.app_key, appSecret: c.secret });
      let ev;
      assert.equal(code(() => { ev = l.verifyWebhook(null, c.body, { nowMs: 0 }); }), c.expect, name);
      if (c.expect === 'ok') {
        assert.equal(ev.type, names[c.event] ?? c.event, name);
        assert.equal(ev.businessKey, c.dedup_key, name);
        assert.ok(ev.deliveryKey.endsWith(`:content:${c.content_sha256}`), name);
        for (const [k, v] of Object.entries(c.exact ?? {})) assert.equal(ev.raw[k], v, `${name}: ${k} exact`);
      }
    }
  }
});

test('wasabi vectors', () => {
  for (const [name, c] of cases('wasabi')) {
    if (c.kind === 'request') {
      const p = new WasabiPlatform({ apiKey: 'wsb_test_api_key', platformPrivateKeyPem: key('platform_1024.pkcs8.pem'), merchantPublicKeyPem: key(c.merchant_public_key) });
      assert.equal(code(() => p.verifyRequest(c.headers, c.body)), c.expect, name);
    } else if (c.kind === 'response') {
      const m = new WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key(c.platform_public_key), responseSignature: c.policy === 'require' ? 'require' : 'verify-if-present' });
      let r, err;
      try { r = m.openResponse(c.status ?? 200, c.headers, c.body); } catch (e) { err = e; }
      assert.equal(err ? err.code : 'ok', c.expect, name);
      if (c.expect === 'ok') {
        assert.deepEqual(r.data, c.data, name);
        assert.equal(r.authenticated, c.verified, name);
      }
      if (c.expect === 'api_error') {
        assert.equal(err.providerCode, c.code, name);
        assert.equal(err.authenticated, c.authenticated, name);
        if (c.retryable !== undefined) assert.equal(err.retryable, c.retryable, name);
      }
    } else if (c.kind === 'webhook') {
      const m = new WasabiMerchant({ apiKey: 'k', privateKeyPem: key('merchant_1024.pkcs8.pem'), platformPublicKeyPem: key(c.platform_public_key) });
      let ev;
      assert.equal(code(() => { ev = m.verifyWebhook(c.headers, c.body, { nowMs: 0 }); }), c.expect, name);
      if (c.expect === 'ok') {
        assert.equal(ev.data[{ card_holder: 'holderId', card_holder_change_email: 'holderId', physical_card: 'cardNo', card_auth_transaction: 'tradeNo', card_fee_patch: 'tradeNo', card_3ds: 'tradeNo' }[ev.type] ?? 'orderNo']?.toString() ?? null, c.id, name);
        assert.equal(ev.businessKey, c.dedup_key, name);
        assert.ok(ev.deliveryKey.endsWith(`:content:${c.content_sha256}`), name);
        assert.equal(m.verifyWebhook(c.headers, c.body, { nowMs: 1 }).duplicate, true, name);
      }
    } else if (c.kind === 'field') {
      const pad = { pkcs1: 'pkcs1v15', oaep_sha1: 'oaep-sha1', oaep_sha256: 'oaep-sha256' }[c.padding];
      const m = new WasabiMerchant({ apiKey: 'k', privateKeyPem: key(c.private_key), fieldPadding: pad });
      let out;
      assert.equal(code(() => { out = m.decryptField(c.value); }), c.expect, name);
      if (c.expect === 'ok') assert.equal(out, c.plaintext, name);
    } else if (c.kind === 'sensitive') {
      const m = new WasabiMerchant({ apiKey: 'k', privateKeyPem: key(c.private_key) });
      assert.deepEqual(m.openSensitive(c.data), c.plain, name);
    } else if (c.kind === 'gateway') {
      const g = new WasabiGateway({ apiKey: 'wc_test' });
      let data, err;
      try { data = g.openResponse(c.status, c.headers, c.body, { path: c.endpoint ?? 'cards/info', nowMs: c.now_ms ?? 0 }).data; } catch (e) { err = e; }
      assert.equal(err ? err.code : 'ok', c.expect, name);
      if (err && c.expect === 'api_error') {
        assert.equal(err.providerCode, c.code, name);
        assert.equal(err.retryable, c.retryable, name);
        if (c.retry_after_ms) assert.equal(err.retryAfterMs, c.retry_after_ms);
        if (c.field_errors) assert.deepEqual(err.errors, c.field_errors, name);
      }
      if (!err && c.events) {
        const page = WasabiGateway.parseWebhookEvents(data);
        assert.deepEqual(page.events.map((e) => e.trusted), [true, false], name);
      } else if (!err) assert.deepEqual(data, c.data, name);
    }
  }
});
