// Compiled (not run) by the types test: the reveal-only entry's types.
import { CardReveal, openSealed, CardwireError, DEFAULT_TTL_MS, type RevealRequest } from 'cardwire/reveal';

async function show(sealedFromBackEnd: (r: RevealRequest) => Promise<string>): Promise<string | undefined> {
  const reveal = await CardReveal.start({ cardId: 'card-1', ttlMs: DEFAULT_TTL_MS });
  const request: RevealRequest = reveal.request();
  try {
    const fields: Record<string, string> = await reveal.open(await sealedFromBackEnd(request));
    return fields.pan;
  } catch (e) {
    if (e instanceof CardwireError) return e.code;
    throw e;
  }
}

async function own(privateKey: CryptoKey, publicKey: Uint8Array): Promise<Record<string, string>> {
  return openSealed({ privateKey, publicKey, cardId: 'c', requestId: 'r', sealed: 'AQ' });
}

void show;
void own;

import { CardwireCard, type RevealRequest as CardRequest } from 'cardwire/card';

function wire(card: CardwireCard, seal: (r: CardRequest) => Promise<string>): Promise<void> {
  card.fetchSealed = seal;
  const el: CardwireCard = document.createElement('cardwire-card');
  void el;
  return card.reveal();
}
void wire;

import { mountIsolatedCard, type RevealRequest as FrameRequest } from 'cardwire/isolated';

function isolated(container: Element, seal: (r: FrameRequest) => Promise<string>): HTMLIFrameElement {
  const { frame, destroy } = mountIsolatedCard(container, { frameUrl: 'https://cards.example.com/cardwire/frame.html', cardId: 'c', fetchSealed: seal, ttlMs: 60_000 });
  void destroy;
  return frame;
}
void isolated;
