// `cardwire/wasm` on Node, as an ES module.
import cardwire from './index.wasm.cjs';

export const {
  CardwireError, backend, nativeUnavailableReason,
  WorldCardMerchant, WorldCardPlatform, WorldCardLegacy, WorldCardLegacyPlatform,
  WasabiMerchant, WasabiPlatform, WasabiGateway,
  PinToPayMerchant, PinToPayPlatform, PayCaClient, PayCaPlatform, CardReveal,
  validate, errorCodes, statusModel, sealCardForBrowser, answerReveal, webhookHandler,
} = cardwire;
export default cardwire;
