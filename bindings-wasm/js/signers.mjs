// `cardwire/signers` as an ES module (the same functions as the CommonJS entry).
import signers from './signers.cjs';

export const { finishWith, decryptWith, webCryptoSigner } = signers;
