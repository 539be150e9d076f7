// The isolated mode's frame: a tiny page of its own origin (frame.html,
// served by your back end from a second origin, e.g. cards.example.com)
// hosting <cardwire-card>. The host page reaches it only by postMessage, with
// the origin checked both ways, so no script of the host page can read the
// card: the key, the sealed answer's plaintext and the shown values exist
// only in this origin.
//
//   frame.html?parent=https://shop.example.com&card=card_123[&ttl=60000]
//
// The host (cardwire/isolated, mountIsolatedCard) answers each reveal
// request with the sealed card from its back end; the frame forwards the
// element's events, never card data.
import './card.mjs';

const params = new URLSearchParams(location.search);
let parentOrigin = null;
try {
  const u = new URL(params.get('parent') ?? '');
  if (u.origin === params.get('parent')) parentOrigin = u.origin;
} catch {
  parentOrigin = null;
}
// The page's own style, as a constructed stylesheet: the frame needs no
// inline style under `default-src 'self'`.
try {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('html, body { margin: 0; background: transparent; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
} catch {
  // An old browser: default margins, nothing else changes.
}
const card = document.createElement('cardwire-card');
const pending = new Map();

function toParent(message) {
  if (parentOrigin && window.parent !== window) window.parent.postMessage({ cardwire: 1, ...message }, parentOrigin);
}

if (!parentOrigin) {
  document.body.textContent = 'This card frame needs ?parent=<the host page origin>.';
} else {
  card.setAttribute('card-id', params.get('card') ?? '');
  if (params.get('ttl')) card.setAttribute('ttl-ms', params.get('ttl'));
  card.fetchSealed = (request) => new Promise((resolve, reject) => {
    pending.set(request.requestId, { resolve, reject });
    toParent({ type: 'request', request });
  });
  window.addEventListener('message', (e) => {
    // Only the host page, from the origin it was given: anything else is ignored.
    if (e.source !== window.parent || e.origin !== parentOrigin) return;
    const m = e.data;
    if (!m || m.cardwire !== 1 || typeof m.requestId !== 'string') return;
    const p = pending.get(m.requestId);
    if (!p) return;
    pending.delete(m.requestId);
    if (m.type === 'sealed' && typeof m.sealed === 'string') p.resolve(m.sealed);
    else p.reject(Object.assign(new Error('the host could not get the card sealed'), { code: typeof m.code === 'string' ? m.code : 'api_error' }));
  });
  for (const t of ['ready', 'revealed', 'copied', 'expired', 'error']) {
    card.addEventListener(t, (e) => toParent({ type: 'event', event: t, detail: e.detail ?? null }));
  }
  document.body.append(card);
}
