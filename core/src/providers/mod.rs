//! One module per provider: `merchant` (build requests, open responses, verify
//! webhooks), `platform` (verify requests, seal responses, sign webhooks) and
//! `events` (typed webhook payloads).

pub mod payca;
pub mod pintopay;
pub mod registry;
pub mod wasabi;
pub mod worldcard;
pub mod worldcard_legacy;
