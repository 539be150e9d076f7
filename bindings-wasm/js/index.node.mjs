// Node ES module entry: the same instance as the CommonJS entry.
import { createRequire } from 'node:module';

const cardwire = createRequire(import.meta.url)('./index.node.cjs');

export const {
  CardwireError,
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform,
  validate, errorCodes,
} = cardwire;
export default cardwire;
