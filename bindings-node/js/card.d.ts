/** What the element sends your back end (as `cardwire/reveal`'s `request()`). */
export interface RevealRequest {
  publicKey: string;
  requestId: string;
  cardId: string;
  expiresAtMs: number;
}

/**
 * `<cardwire-card card-id="…" ttl-ms="…">`: shows one card's details,
 * revealed with `cardwire/reveal`. Set `fetchSealed` to a function that asks
 * your back end to seal the card to the request (`sealCardForBrowser`), then
 * call `reveal()` (or let the user press "Show card details"). Events:
 * `ready`, `revealed`, `copied` (`detail.field`), `expired`, `error`
 * (`detail.code`).
 */
export class CardwireCard extends HTMLElement {
  fetchSealed: ((request: RevealRequest) => Promise<string>) | null;
  reveal(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    'cardwire-card': CardwireCard;
  }
}
