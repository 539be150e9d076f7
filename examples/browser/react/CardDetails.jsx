// <cardwire-card> in React 19: a custom element, so it renders as it is;
// the back-end call and the events are wired through a ref.
import { useEffect, useRef } from 'react';
import 'cardwire/card';

export function CardDetails({ cardId, fetchSealed, onRevealed, onError }) {
  const ref = useRef(null);
  useEffect(() => {
    const card = ref.current;
    card.fetchSealed = fetchSealed;
    const revealed = () => onRevealed?.();
    const failed = (e) => onError?.(e.detail.code);
    card.addEventListener('revealed', revealed);
    card.addEventListener('error', failed);
    return () => {
      card.removeEventListener('revealed', revealed);
      card.removeEventListener('error', failed);
    };
  }, [fetchSealed, onRevealed, onError]);
  return <cardwire-card ref={ref} card-id={cardId} ttl-ms="60000" />;
}
