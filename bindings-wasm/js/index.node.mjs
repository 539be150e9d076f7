// Node ES module entry: the same instance as the CommonJS entry.
import { createRequire } from 'node:module';

const cardwire = createRequire(import.meta.url)('./index.node.cjs');

export const {
  CardwireError, backend,
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy, WorldCardLegacyPlatform,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform,
  validate, errorCodes, statusModel,
} = cardwire;
export default cardwire;
