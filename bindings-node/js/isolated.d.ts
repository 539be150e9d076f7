/** What the frame asks the host to have sealed (as `cardwire/reveal`'s `request()`). */
export interface RevealRequest {
  publicKey: string;
  requestId: string;
  cardId: string;
  expiresAtMs: number;
}

/**
 * Mounts the card frame (`frame.html` of the package, served by your back end
 * from a second origin) in `container` and answers its reveal requests with
 * `fetchSealed` (your back end's `sealCardForBrowser`), by postMessage with the
 * origin checked both ways. The frame's events are dispatched on the iframe.
 */
export function mountIsolatedCard(
  container: Element,
  options: { frameUrl: string; cardId: string; fetchSealed: (request: RevealRequest) => Promise<string>; ttlMs?: number },
): { frame: HTMLIFrameElement; destroy(): void };
