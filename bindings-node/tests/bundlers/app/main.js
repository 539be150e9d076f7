// A browser app as a user writes it: `import ... from 'cardwire'`, bundled
// by esbuild, Vite or webpack. It verifies a PayCA webhook and a WorldCard
// webhook (fixture.json, signed by the harness), refuses a forgery, and
// publishes what happened on window.__result.
import { PayCaClient, WorldCardMerchant, CardwireError, backend } from 'cardwire';
import fixture from './fixture.json';

const out = { backend };
try {
  const payca = new PayCaClient({ clientId: 'cid', clientSecret: fixture.paycaSecret });
  const ev = payca.verifyWebhook(fixture.payca.headers, fixture.payca.bodyText);
  out.payca = [ev.type, ev.data.amount, ev.duplicate, payca.verifyWebhook(fixture.payca.headers, fixture.payca.bodyText).duplicate];
  try {
    payca.verifyWebhook(fixture.payca.headers, fixture.payca.bodyText + ' ');
    out.forgery = 'accepted';
  } catch (e) {
    out.forgery = e instanceof CardwireError ? e.code : String(e);
  }
  const wc = new WorldCardMerchant(fixture.worldcard.options);
  const wev = wc.verifyWebhook(fixture.worldcard.headers, fixture.worldcard.bodyText, { nowMs: fixture.worldcard.nowMs });
  out.worldcard = [wev.type, wev.data.card_number];
} catch (e) {
  out.error = String(e && e.stack ? e.stack : e);
}
window.__result = out;
