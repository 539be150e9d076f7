// cardwire/isolated: the host page's side of the isolated mode. Mounts the
// card frame (frame.html, served by your back end from a second origin) and
// answers its reveal requests with your back end's sealed answer, by
// postMessage with the origin checked both ways. The host page never holds
// the card: the sealed answer it relays is encrypted to a key that lives in
// the frame's origin.

/**
 * `mountIsolatedCard(container, { frameUrl, cardId, fetchSealed, ttlMs? })`:
 * the iframe, added to `container`. `fetchSealed(request)` asks your back end
 * to seal the card (as for `<cardwire-card>`). The frame's events (`ready`,
 * `revealed`, `copied`, `expired`, `error`) are dispatched on the iframe as
 * `CustomEvent`s, without card data. `destroy()` removes it.
 */
export function mountIsolatedCard(container, { frameUrl, cardId, fetchSealed, ttlMs } = {}) {
  if (typeof fetchSealed !== 'function') throw new TypeError('fetchSealed must be a function that asks your back end to seal the card');
  const url = new URL(frameUrl, location.href);
  const frameOrigin = url.origin;
  if (frameOrigin === location.origin) {
    throw new TypeError('the card frame must be served from another origin than this page (that is what isolates it)');
  }
  url.searchParams.set('parent', location.origin);
  url.searchParams.set('card', cardId);
  if (ttlMs) url.searchParams.set('ttl', String(ttlMs));
  const iframe = document.createElement('iframe');
  iframe.src = url.href;
  iframe.title = 'Card details';
  iframe.allow = 'clipboard-write';
  iframe.style.border = '0';
  const onMessage = async (e) => {
    if (e.source !== iframe.contentWindow || e.origin !== frameOrigin) return;
    const m = e.data;
    if (!m || m.cardwire !== 1) return;
    if (m.type === 'event') {
      iframe.dispatchEvent(new CustomEvent(m.event, { detail: m.detail ?? null }));
      return;
    }
    if (m.type !== 'request' || !m.request || typeof m.request.requestId !== 'string') return;
    const requestId = m.request.requestId;
    try {
      const sealed = String(await fetchSealed(m.request));
      iframe.contentWindow?.postMessage({ cardwire: 1, type: 'sealed', requestId, sealed }, frameOrigin);
    } catch (err) {
      iframe.contentWindow?.postMessage({ cardwire: 1, type: 'failed', requestId, code: (err && err.code) || 'api_error' }, frameOrigin);
    }
  };
  window.addEventListener('message', onMessage);
  container.append(iframe);
  return {
    frame: iframe,
    destroy() {
      window.removeEventListener('message', onMessage);
      iframe.remove();
    },
  };
}
