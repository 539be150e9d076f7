// Node ES module entry: the same instance as the CommonJS entry (imported,
// not created with createRequire, so bundlers can follow it).
import cardwire from './index.node.cjs';

export const {
  CardwireError, backend, nativeUnavailableReason,
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy, WorldCardLegacyPlatform,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform, CardReveal,
  validate, errorCodes, statusModel, sealCardForBrowser, answerReveal, webhookHandler,
} = cardwire;
export default cardwire;
