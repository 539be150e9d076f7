// PayCA's request bodies typed from docs/openapi/payca.yaml: the right
// fields compile, a misspelt or missing one does not (each
// `@ts-expect-error` line must fail to compile, or tsc fails).
import { PayCaClient, PayCaPlatform, type PayCaIssueCard } from 'cardwire';

const client = new PayCaClient({ clientId: 'client-1', clientSecret: 'secret-1' });
const platform = new PayCaPlatform({ clientId: 'client-1', clientSecret: 'secret-1' });

// Right: every documented field, typed.
client.buildRequest('/v1/users', {
  externalId: 'usr-001',
  meta: { firstName: 'John', lastName: 'Doe', email: 'john@example.com', phone: '5551234567', phoneCode: '+1', birthday: '1990-01-15', country: 'US', town: 'NYC', address: '123 Main St', postCode: '10001', gender: 'M' },
});
client.buildRequest('/v1/users/usr-001/cardholder', { accountId: 'acc-1', bin: '537100' });
client.buildRequest('/v1/users/{id}/cardholder', null, { method: 'GET', pathParams: [['id', 'usr-001']] });
const card: PayCaIssueCard = { accountId: 'acc-1', bin: '537100', balance: '100.00', idempotencyKey: 'issue-001' };
client.buildRequest('/v1/cards', card);
client.buildRequest('/v1/cards', null, { method: 'GET', query: [['limit', '10']] });
client.buildRequest('/v1/webhooks', { url: 'https://shop.example.com/hooks', type: 'card_transaction' });
// Paths without a typed body, and paths only known at run time, stay as before.
client.buildRequest('/v1/cardholders', null, { query: [['limit', '100']] });
const somePath: string = '/v1/cards';
client.buildRequest(somePath, { anything: 1 });

// A verified request body, typed by its path.
declare const headers: Record<string, string>;
declare const raw: Uint8Array;
const issued: PayCaIssueCard = platform.verifyRequest(headers, raw, { path: '/v1/cards' });
const balance: string = issued.balance;
void balance;

// Wrong: a misspelt field, a missing required one, a closed enum's other value, a number for a decimal string.
// @ts-expect-error externalld is not a field of PayCaCreateUser
client.buildRequest('/v1/users', { externalld: 'usr-001' });
// @ts-expect-error balance is required by POST /v1/cards
client.buildRequest('/v1/cards', { accountId: 'acc-1', bin: '537100' });
// @ts-expect-error gender is M or F
client.buildRequest('/v1/users', {
  externalId: 'usr-001',
  meta: { firstName: 'J', lastName: 'D', email: 'j@d.io', phone: '1', phoneCode: '+1', birthday: '1990-01-15', country: 'US', town: 'NYC', address: 'a', postCode: '1', gender: 'X' },
});
// @ts-expect-error the balance is an exact decimal string, never a float
client.buildRequest('/v1/cards', { accountId: 'acc-1', bin: '537100', balance: 100.5 });
// @ts-expect-error cardholderID is not cardholderId
client.buildRequest('/v1/users/usr-001/cardholder', { accountId: 'acc-1', bin: '537100', cardholderID: 'x' });
// @ts-expect-error the verified body of /v1/users has no balance
const wrong: string = platform.verifyRequest(headers, raw, { path: '/v1/users' }).balance;
void wrong;

// PinToPay's plaintext bodies, typed the same way from docs/openapi/pintopay.yaml.
import { PinToPayMerchant } from 'cardwire';
const ptp = new PinToPayMerchant({ apiKey: 'key-1', apiSecret: 'secret-123' });
ptp.buildRequest('/api/v1/cards/topup', { card_id: 'card-1', amount: '10.00' }, { idempotencyKey: 'k-1' });
ptp.buildRequest('/api/v1/users/create', { user_id: 'ext-123' });
ptp.buildRequest('/api/v1/project/balance');
// @ts-expect-error ammount is not a field of cards/topup
ptp.buildRequest('/api/v1/cards/topup', { card_id: 'card-1', ammount: '10.00' }, { idempotencyKey: 'k-1' });
// @ts-expect-error country_iso is required by cardholders/create
ptp.buildRequest('/api/v1/cardholders/create', { first_name: 'J', last_name: 'S', birth_date: '1988-05-20', email: 'j@s.io', phone_number_full: '+1', subprovider_code: 'sp', user_id: 'u' });

// WorldCard Card/*: the plaintext bodies inside the AES-GCM envelope, typed from docs/openapi/worldcard.yaml.
import { WorldCardMerchant, WorldCardPlatform, type WorldCardDepositCard } from 'cardwire';
declare const pem: string;
const wc = new WorldCardMerchant({ appId: 'app-1', privateKeyPem: pem, aesKey: '0'.repeat(64) });
wc.buildRequest('/api/v1/card/deposit', { card_id: 'c-1', merchant_transaction_id: 't-1', amount: '10.00' });
wc.buildRequest('/api/v1/card/virtual/apply', { merchant_card_id: 'mc-1', card_type: 'VIRTUAL-R', card_bin_id: 'b-1', first_recharge_amount: '10', email: 'a@b.io' });
const wcp = new WorldCardPlatform({ appId: 'app-1', merchantPublicKeyPem: pem, aesKey: '0'.repeat(64) });
const dep: WorldCardDepositCard = wcp.verifyRequest(headers, raw, { path: '/api/v1/card/deposit' });
void dep.merchant_transaction_id;
// @ts-expect-error merchant_transaction_Id is not a field of card/deposit
wc.buildRequest('/api/v1/card/deposit', { card_id: 'c-1', merchant_transaction_Id: 't-1', amount: '10.00' });
// @ts-expect-error card_type is one of VIRTUAL-V, VIRTUAL-R, VIRTUAL-G
wc.buildRequest('/api/v1/card/virtual/apply', { merchant_card_id: 'mc-1', card_type: 'VIRTUAL-X', card_bin_id: 'b-1', first_recharge_amount: '10' });

// What an endpoint answers, typed from the descriptions: every field optional.
import type { WorldCardResponses, WasabiGatewayResponses, OpenedResponse } from 'cardwire';
declare const opened: OpenedResponse;
const vcard = opened.data as WorldCardResponses['/api/v1/card/virtual/get_info'];
const cardStatus: number | undefined = vcard.status;
void cardStatus;
const gw = opened as OpenedResponse<WasabiGatewayResponses['/api/v1/cards/info']>;
void gw.data.cardNo;
// @ts-expect-error card_idd is not a field of the get_info answer
void vcard.card_idd;
// @ts-expect-error status is a number, not text
const wrongStatus: string | undefined = vcard.status;
void wrongStatus;
