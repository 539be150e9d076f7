// Compiled (not run) by the types test under `tsc --strict` with
// `module: nodenext`: Express- and Fastify-shaped receivers pass Node's own
// header type and a Buffer, events narrow by `type` to their documented
// `data`, and a wrong field name is a compile error (`@ts-expect-error`).
import express from 'express';
import Fastify from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import {
  CardwireError, WorldCardMerchant, PayCaClient, WasabiMerchant, WorldCardLegacy,
  type WorldCardEvent, type PayCaEvent, type ReplayStore,
} from 'cardwire';

const store: ReplayStore = { seen: (key: string, ttlMs: number) => key.length > ttlMs };
const worldcard = new WorldCardMerchant({ appId: 'a', privateKeyPem: '', aesKey: '', store });
const payca = new PayCaClient({ clientId: 'c', clientSecret: 's' });
const wasabi = new WasabiMerchant({ apiKey: 'k', privateKeyPem: '' });
const legacy = new WorldCardLegacy({ appKey: 'k', appSecret: 's' });

function handle(ev: WorldCardEvent): string {
  if (ev.duplicate) return 'ack';
  switch (ev.type) {
    case 'card_deposit': {
      const amount: string | undefined = ev.data.amount;
      const status: number | undefined = ev.data.status;
      // @ts-expect-error: card_deposit has `amount`, not `amout`
      void ev.data.amout;
      return `${amount} ${status}`;
    }
    case 'card_billing': {
      const merchant: string | undefined = ev.data.merchant_name;
      // @ts-expect-error: billing amounts are text, never numbers
      const n: number = ev.data.billing_amount;
      void n;
      return merchant ?? '';
    }
    case 'card_open':
      // @ts-expect-error: card_open has no settle_amount
      return ev.data.settle_amount ?? '';
    default: {
      // Any other notify_type: its raw payload, typed as unknown values.
      const raw: Record<string, unknown> = ev.data;
      return String(raw['anything']);
    }
  }
}

const app = express();
app.post('/hooks/worldcard', express.raw({ type: '*/*' }), (req, res) => {
  const headers: IncomingHttpHeaders = req.headers;
  try {
    const ev = worldcard.verifyWebhook(headers, req.body as Buffer);
    res.status(200).send(handle(ev));
  } catch (e) {
    if (e instanceof CardwireError) res.status(e.code === 'store_unavailable' ? 503 : 401).send(e.code);
    else throw e;
  }
});
app.post('/hooks/payca', express.raw({ type: '*/*' }), (req, res) => {
  const ev: PayCaEvent = payca.verifyWebhook(req.headers, req.body as Buffer);
  if (ev.type === 'cardholder_status') {
    const status: string | undefined = ev.data.status;
    // @ts-expect-error: the field is cardholder_id
    void ev.data.cardholderID;
    void status;
  }
  res.status(204).end();
});

const f = Fastify();
f.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
f.post('/hooks/wasabi', async (req, reply) => {
  const ev = wasabi.verifyWebhook(req.headers, req.body as Buffer);
  if (ev.type === 'card_transaction') {
    const order: string | undefined = ev.data.orderNo;
    // @ts-expect-error: Wasabi's field is orderNo
    void ev.data.order_no;
    void order;
  }
  const ack = WasabiMerchant.webhookAck();
  return reply.code(ack.status).headers(ack.headers).send(Buffer.from(ack.body));
});
f.post('/hooks/legacy', async (req) => {
  const ev = legacy.verifyWebhook(req.headers, req.body as Buffer);
  if (ev.type === 'top_up') {
    const settle: string | undefined = ev.data.settleAmount;
    void settle;
  }
  return 'success';
});

// A parsed object where the raw body belongs is a compile error too.
// @ts-expect-error: verifyWebhook takes the raw body, not parsed JSON
worldcard.verifyWebhook({}, { data: 'x' });
// @ts-expect-error: an unknown option
worldcard.verifyWebhook({}, '', { nowMS: 1 });

// Async forms return promises of the same shapes.
void worldcard.buildRequestAsync('/api/v1/card/close', { card_id: 'c' }).then((r) => r.headers['X-Signature']);
void app; void f;
