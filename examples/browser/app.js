// A card-details widget: the back end relays the provider's response as is;
// the browser decrypts the card fields with cardwire and shows them masked,
// with a reveal. Fixtures are the conformance vectors made by Python
// (`cryptography` for WorldCard, PyNaCl for PinToPay): nothing here is made by cardwire.
import { WorldCardMerchant, PinToPayMerchant, CardwireError } from '../../bindings-wasm/pkg/index.web.js';

const status = document.getElementById('status');
const load = async (path) => (await fetch(path)).json();

function mask(pan) {
  return '•••• •••• •••• ' + pan.slice(-4);
}
function group(pan) {
  return pan.replace(/(\d{4})(?=\d)/g, '$1 ');
}

function show(id, card) {
  const el = document.getElementById(id);
  const pan = el.querySelector('[data-field=pan]');
  const cvv = el.querySelector('[data-field=cvv]');
  el.querySelector('[data-field=expiry]').textContent = `${card.expiryMonth}/${card.expiryYear.slice(-2)}`;
  pan.textContent = mask(card.pan);
  let shown = false;
  el.querySelector('button').addEventListener('click', (ev) => {
    shown = !shown;
    pan.textContent = shown ? group(card.pan) : mask(card.pan);
    cvv.textContent = shown ? card.cvv : '•••';
    ev.target.textContent = shown ? 'Hide' : 'Reveal';
  });
}

try {
  // WorldCard: card_number, cvv, expiry_month, expiry_year are AES-256-GCM fields.
  const wc = await load('/tests/vectors/worldcard/response_virtual_get_info.json');
  const merchant = new WorldCardMerchant({ appId: 'app_demo', privateKeyPem: await (await fetch('/tests/vectors/keys/merchant_2048.pkcs8.pem')).text(), aesKey: wc.aes_key });
  const opened = merchant.openResponse(200, {}, wc.body);
  show('worldcard', { pan: opened.data.card_number, cvv: opened.data.cvv, expiryMonth: opened.data.expiry_month, expiryYear: opened.data.expiry_year });
  merchant.free();

  // PinToPay: the whole response is one secretbox envelope.
  const ptp = await load('/tests/vectors/pintopay/response_card_details.json');
  const client = new PinToPayMerchant({ apiKey: ptp.api_key, apiSecret: ptp.api_secret });
  const card = client.openResponse(200, {}, ptp.body).data;
  show('pintopay', { pan: card.card_number, cvv: card.cvv, expiryMonth: card.expiry_month, expiryYear: card.expiry_year });
  client.free();
  status.textContent = 'ready: both responses verified and decrypted in this page';
  status.dataset.state = 'ready';
} catch (e) {
  status.textContent = e instanceof CardwireError ? `refused: ${e.code}` : `error: ${e}`;
  status.dataset.state = 'error';
}
