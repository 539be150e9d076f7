// The host page of the isolated-mode test: mounts the card frame (another
// origin, given as ?frame=) and relays its reveal requests to the "back end"
// the test supplies (window.__seal).
import { mountIsolatedCard } from '/bindings-node/pkg/isolated.mjs';

window.__events = [];
const frameUrl = new URLSearchParams(location.search).get('frame');
const { frame } = mountIsolatedCard(document.getElementById('card'), {
  frameUrl,
  cardId: 'card-7',
  ttlMs: 60_000,
  fetchSealed: (request) => window.__seal(request),
});
for (const t of ['ready', 'revealed', 'copied', 'expired', 'error']) frame.addEventListener(t, (e) => window.__events.push([t, e.detail]));
frame.addEventListener('load', () => { window.__mounted = true; });
