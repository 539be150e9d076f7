// A card-details widget that holds no account key. For each reveal the page
// makes a one-time key inside the WebAssembly module (CardReveal), sends its
// public half to the back end (examples/reveal/), and receives the card
// fields sealed to that key, for this card and this request, for a minute.
// The provider's response, and the keys that open it, stay on the back end.
import { CardReveal, CardwireError } from '../../bindings-node/pkg/index.web.js';

const status = document.getElementById('status');
const group = (pan) => pan.replace(/(\d{4})(?=\d)/g, '$1 ');

async function reveal(el) {
  const r = CardReveal.start({ cardId: el.dataset.cardId });
  try {
    const res = await fetch('/api/reveal', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: el.dataset.provider, cardId: r.cardId, publicKey: r.publicKey, requestId: r.requestId }),
    });
    const answer = await res.json();
    if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
    return r.open(answer.sealed); // once: the key is gone after this
  } finally {
    r.free();
  }
}

function hide(el) {
  el.querySelector('[data-field=pan]').textContent = '•••• •••• •••• ••••';
  el.querySelector('[data-field=cvv]').textContent = '•••';
  el.querySelector('[data-field=expiry]').textContent = '--/--';
  el.querySelector('button').textContent = 'Reveal';
  delete el.dataset.shown;
}

for (const el of document.querySelectorAll('.card')) {
  el.querySelector('button').addEventListener('click', async () => {
    if (el.dataset.shown) return hide(el); // nothing is kept: the next reveal asks again
    try {
      const card = await reveal(el);
      el.querySelector('[data-field=pan]').textContent = group(card.pan);
      el.querySelector('[data-field=cvv]').textContent = card.cvv;
      el.querySelector('[data-field=expiry]').textContent = `${card.expiry_month}/${card.expiry_year.slice(-2)}`;
      el.querySelector('button').textContent = 'Hide';
      el.dataset.shown = '1';
      status.textContent = `revealed ${el.id}: opened once, then the key was wiped`;
    } catch (e) {
      status.textContent = e instanceof CardwireError ? `refused: ${e.code}` : `error: ${e.message}`;
      status.dataset.state = 'error';
    }
  });
}
status.textContent = 'ready: nothing secret is on this page until you reveal, and then only these card fields';
status.dataset.state = 'ready';
