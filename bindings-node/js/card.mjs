// cardwire/card: <cardwire-card>, a custom element that shows one card's
// details, revealed with cardwire/reveal (WebCrypto, no WebAssembly).
//
//   <cardwire-card card-id="card_123"></cardwire-card>
//   <script type="module">
//     import 'cardwire/card';
//     const card = document.querySelector('cardwire-card');
//     card.fetchSealed = async (request) =>   // your back end: sealCardForBrowser
//       (await fetch('/reveal', { method: 'POST', body: JSON.stringify(request) })).text();
//   </script>
//
// The card data lives only in the element's shadow root: never in an
// attribute, the light DOM, the URL or the console. (A script of the host
// page can still read a shadow root; the isolated mode, an iframe of another
// origin, is what keeps the page's own scripts out.) Parts (`::part(pan)`,
// `cvv`, `expiry`, `name`, `field`, `label`, `value`, `copy`, `toggle`,
// `reveal`, `countdown`) and custom properties (`--cardwire-font`,
// `--cardwire-color`, `--cardwire-background`, `--cardwire-accent`,
// `--cardwire-radius`, `--cardwire-gap`) style it. Events (bubbling,
// composed): `ready`, `revealed`, `copied` (`detail.field`), `expired`,
// `error` (`detail.code`). At the expiry the shown values are removed from
// the DOM and every reference to them dropped.

import { CardReveal } from './reveal.mjs';

const FIELDS = [
  ['pan', 'Card number', (f) => f.pan, (v) => v.replace(/\D/g, '').replace(/(.{4})(?=.)/g, '$1 ')],
  ['cvv', 'Security code', (f) => f.cvv, (v) => v],
  ['expiry', 'Expiry', (f) => f.expiry || (f.expiry_month && f.expiry_year ? `${f.expiry_month}/${String(f.expiry_year).slice(-2)}` : undefined), (v) => v],
  ['name', 'Cardholder', (f) => f.cardholder || f.name, (v) => v],
];

const mask = (id, text) => (id === 'pan' ? `•••• •••• •••• ${text.replace(/\D/g, '').slice(-4)}` : '•'.repeat(Math.min(text.length, 8)));

const STYLE = `
:host { display: inline-block; font: var(--cardwire-font, 15px/1.4 system-ui, sans-serif); color: var(--cardwire-color, #111);
  background: var(--cardwire-background, #f6f7f9); border-radius: var(--cardwire-radius, 12px); padding: 16px; min-width: 18em; }
.fields { display: grid; gap: var(--cardwire-gap, 8px); margin: 0 0 8px; }
.field { display: grid; grid-template-columns: 9em 1fr; align-items: center; gap: 8px; }
dd { display: flex; gap: 8px; align-items: center; justify-content: space-between; }
.field[hidden] { display: none; }
dt { font-size: 0.85em; opacity: 0.8; }
dd { margin: 0; }
.value { font-variant-numeric: tabular-nums; letter-spacing: 0.03em; }
button { font: inherit; font-size: 0.85em; border: 1px solid currentColor; border-radius: 6px; background: transparent; color: inherit; padding: 2px 8px; cursor: pointer; }
button:focus-visible { outline: 2px solid var(--cardwire-accent, #2563eb); outline-offset: 2px; }
.bar { display: flex; gap: 8px; align-items: center; }
.status { font-size: 0.85em; min-height: 1.2em; }
`;

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export class CardwireCard extends HTMLElement {
  #root;
  #values = new Map();
  #masked = true;
  #reveal;
  #timer;
  #tick;
  #status;
  #countdown;
  #toggle;
  #button;
  /** `async (request) => sealed`: asks your back end to seal this card to `request` (see `cardwire/reveal`). */
  fetchSealed = null;

  static get observedAttributes() {
    return ['card-id'];
  }

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    // A constructed stylesheet, not a <style> element: it needs no
    // 'unsafe-inline' under a strict Content-Security-Policy.
    let style = null;
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      this.#root.adoptedStyleSheets = [sheet];
    } catch {
      style = el('style');
      style.textContent = STYLE;
    }
    const list = el('dl', { class: 'fields', part: 'fields' });
    for (const [id, label] of FIELDS) {
      const row = el('div', { class: 'field', part: `field ${id}`, 'data-field': id, hidden: '' });
      const term = el('dt', { part: 'label', id: `l-${id}` }, label);
      const detail = el('dd');
      const value = el('span', { part: 'value', class: 'value' });
      const copy = el('button', { type: 'button', part: 'copy', 'aria-label': `Copy ${label.toLowerCase()}` }, 'Copy');
      copy.addEventListener('click', () => this.#copy(id, label));
      detail.append(value, copy);
      row.append(term, detail);
      list.append(row);
    }
    this.#button = el('button', { type: 'button', part: 'reveal' }, 'Show card details');
    this.#button.addEventListener('click', () => this.reveal());
    this.#toggle = el('button', { type: 'button', part: 'toggle', 'aria-pressed': 'false', hidden: '' }, 'Unmask');
    this.#toggle.addEventListener('click', () => this.#setMasked(!this.#masked));
    this.#countdown = el('span', { part: 'countdown', role: 'timer', 'aria-live': 'off' });
    this.#status = el('div', { class: 'status', part: 'status', role: 'status', 'aria-live': 'polite' });
    const bar = el('div', { class: 'bar' });
    bar.append(this.#button, this.#toggle, this.#countdown);
    if (style) this.#root.append(style);
    this.#root.append(list, bar, this.#status);
  }

  connectedCallback() {
    this.dispatchEvent(new CustomEvent('ready', { bubbles: true, composed: true }));
  }

  disconnectedCallback() {
    this.#clear();
  }

  /** Starts a reveal: a fresh key, your back end's sealed answer, opened once. */
  async reveal() {
    const cardId = this.getAttribute('card-id');
    try {
      if (typeof this.fetchSealed !== 'function') {
        throw Object.assign(new Error('set element.fetchSealed to a function that asks your back end to seal the card'), { code: 'invalid_input' });
      }
      this.#clear();
      this.#button.disabled = true;
      this.#status.textContent = 'Revealing…';
      const ttl = Number(this.getAttribute('ttl-ms')) || undefined;
      const reveal = await CardReveal.start({ cardId, ...(ttl ? { ttlMs: ttl } : {}) });
      this.#reveal = reveal;
      const sealed = await this.fetchSealed(reveal.request());
      const fields = await reveal.open(String(sealed));
      this.#show(fields, reveal.expiresAtMs);
      this.dispatchEvent(new CustomEvent('revealed', { bubbles: true, composed: true }));
    } catch (e) {
      this.#clear();
      this.#status.textContent = 'The card details could not be shown.';
      const code = (e && e.code) || 'invalid_input';
      this.dispatchEvent(new CustomEvent('error', { bubbles: true, composed: true, detail: { code } }));
    } finally {
      this.#button.disabled = false;
    }
  }

  #show(fields, expiresAtMs) {
    for (const [id, , pick, format] of FIELDS) {
      const raw = pick(fields);
      if (typeof raw !== 'string' || raw === '') continue;
      this.#values.set(id, format(raw));
      this.#root.querySelector(`[data-field=${id}]`).removeAttribute('hidden');
    }
    this.#status.textContent = 'Card details shown.';
    this.#toggle.removeAttribute('hidden');
    this.#setMasked(true);
    const left = () => Math.max(0, expiresAtMs - Date.now());
    const update = () => {
      const s = Math.ceil(left() / 1000);
      this.#countdown.textContent = `Hidden in ${s} s`;
    };
    update();
    this.#tick = setInterval(update, 1000);
    this.#timer = setTimeout(() => {
      this.#clear();
      this.#status.textContent = 'Card details hidden.';
      this.dispatchEvent(new CustomEvent('expired', { bubbles: true, composed: true }));
    }, left());
  }

  #setMasked(masked) {
    this.#masked = masked;
    this.#toggle.textContent = masked ? 'Unmask' : 'Mask';
    this.#toggle.setAttribute('aria-pressed', String(!masked));
    for (const [id, text] of this.#values) {
      this.#root.querySelector(`[data-field=${id}] .value`).textContent = masked && id !== 'name' && id !== 'expiry' ? mask(id, text) : text;
    }
  }

  async #copy(id, label) {
    const text = this.#values.get(id);
    if (!text) return;
    try {
      await navigator.clipboard.writeText(id === 'pan' ? text.replace(/\s/g, '') : text);
      this.#status.textContent = `${label} copied.`;
      this.dispatchEvent(new CustomEvent('copied', { bubbles: true, composed: true, detail: { field: id } }));
    } catch {
      this.#status.textContent = 'Copying is not allowed here.';
      this.dispatchEvent(new CustomEvent('error', { bubbles: true, composed: true, detail: { code: 'invalid_input' } }));
    }
  }

  /** Removes the shown values from the DOM and drops every reference to them. */
  #clear() {
    clearTimeout(this.#timer);
    clearInterval(this.#tick);
    this.#timer = this.#tick = undefined;
    this.#values.clear();
    this.#reveal = undefined;
    for (const row of this.#root.querySelectorAll('.field')) {
      row.setAttribute('hidden', '');
      row.querySelector('.value').textContent = '';
    }
    this.#countdown.textContent = '';
    this.#toggle.setAttribute('hidden', '');
  }
}

if (!customElements.get('cardwire-card')) customElements.define('cardwire-card', CardwireCard);
