//! The provider contract in one import: `use cardwire::prelude::*;`
//! brings the traits (so `verify_webhook`, `open_response`, ... resolve on
//! every provider) and the shapes they take.

pub use crate::contract::{
    Notification, Opened, Received, Request, RequestBuilder, RequestVerifier, ResponseOpener,
    TypedRequest, TypedResponse, WebhookReceiver, WebhookSigner,
};
pub use crate::envelope::{Headers, Payload};
