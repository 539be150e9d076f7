// The back end of the card-details page (examples/browser), in Node. It
// holds the merchant's account keys; the page never does. POST /api/reveal
// {provider, cardId, publicKey, requestId}: fetch the card from the
// provider (here: the conformance fixtures, made by Python cryptography and
// PyNaCl, stand in for the live call), open the response with the merchant
// class, and seal only the card fields to the page's one-time key for a
// minute. Static files: only the page and the npm package.
//   node examples/reveal/backend.mjs [port]   -> prints "listening on http://127.0.0.1:PORT"
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorldCardMerchant, PinToPayMerchant, sealCardForBrowser, CardwireError } from 'cardwire';

const ROOT = normalize(join(fileURLToPath(new URL('.', import.meta.url)), '../..'));
const read = (p) => readFile(join(ROOT, p), 'utf8');
const wc = JSON.parse(await read('tests/vectors/worldcard/response_virtual_get_info.json'));
const ptp = JSON.parse(await read('tests/vectors/pintopay/response_card_details.json'));
const worldcard = new WorldCardMerchant({ appId: 'app_demo', privateKeyPem: await read('tests/vectors/keys/merchant_2048.pkcs8.pem'), aesKey: wc.aes_key });
const pintopay = new PinToPayMerchant({ apiKey: ptp.api_key, apiSecret: ptp.api_secret });

// The signed-in user's cards, and how to read each from its provider.
const cards = {
  worldcard: { cardId: '1234567890123456', read: () => worldcard.openResponse(200, {}, wc.body).data },
  pintopay: { cardId: 'card_123', read: () => pintopay.openResponse(200, {}, ptp.body).data },
};

function reveal(request) {
  const card = cards[request.provider];
  if (!card || card.cardId !== request.cardId) return [404, { error: 'no such card for this user' }];
  const sealed = sealCardForBrowser(card.read(), request.publicKey, {
    cardId: card.cardId, requestId: request.requestId, expiresAtMs: Date.now() + 60_000, provider: request.provider,
  });
  return [200, { sealed }];
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const PUBLIC = ['examples/browser/', 'bindings-node/pkg/'];
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/api/reveal') {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    let status, answer;
    try {
      [status, answer] = reveal(JSON.parse(Buffer.concat(chunks).toString()));
    } catch (e) {
      [status, answer] = [400, { error: e instanceof CardwireError ? e.code : 'bad request' }];
    }
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(answer));
    return;
  }
  const path = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
  if (req.method !== 'GET' || !PUBLIC.some((p) => path.startsWith(p))) return res.writeHead(404).end();
  try {
    res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(await readFile(join(ROOT, path)));
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
