//! The vocabulary's methods for PayCA: each converts its arguments and calls
//! the provider's contract.

#[allow(unused_imports)]
use super::*;

pub(super) fn client(c: &payca::Merchant, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "build_request" => {
            let path = cx.a.str("path")?;
            let payload = cx.a.request_payload(crate::registry::Provider::PayCa)?;
            let path_params = cx.a.pairs("path_params")?;
            let query = cx.a.pairs("query")?;
            let pp: Vec<(&str, &str)> = path_params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let q: Vec<(&str, &str)> = query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let method_name = cx.a.opt_str("method")?;
            let key = cx.a.opt_str("idempotency_key")?;
            let rid = cx.a.opt_str("request_id")?;
            let req = Request {
                method: method_name.as_deref(),
                path: &path,
                path_params: &pp,
                query: &q,
                payload: payload.as_deref().map(Payload::Bytes),
                idempotency_key: key.as_deref(),
                request_id: rid.as_deref(),
                validate: cx.a.opt_bool("validate")?,
                ..Request::default()
            };
            Ok(request_out(c.build_request(
                &req,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        "upload_cardholder_file" => {
            let (name, ct, bytes) = (
                cx.a.str("filename")?,
                cx.a.str("content_type")?,
                cx.a.bytes("bytes")?,
            );
            let file = payca::FileUpload {
                filename: &name,
                content_type: &ct,
                bytes: &bytes,
            };
            let key = cx.a.opt_str("idempotency_key")?;
            Ok(request_out(c.upload_cardholder_file(
                file,
                key.as_deref(),
                &mut cx.rng()?,
            )?))
        }
        "upload_kyc_document" => {
            let (name, ct, bytes) = (
                cx.a.str("filename")?,
                cx.a.str("content_type")?,
                cx.a.bytes("bytes")?,
            );
            let file = payca::FileUpload {
                filename: &name,
                content_type: &ct,
                bytes: &bytes,
            };
            let key = cx.a.opt_str("idempotency_key")?;
            Ok(request_out(c.upload_kyc_document(
                &cx.a.str("user_id")?,
                file,
                &cx.a.str("document_type")?,
                key.as_deref(),
                &mut cx.rng()?,
            )?))
        }
        "open_response" => opened(c, cx.a, cx.now()?),
        "check_webhook" | "verify_webhook" => {
            let mut ev = cx.inst.webhook(
                c,
                cx.a,
                cx.now()?,
                cx.method.name == "verify_webhook",
                cx.over,
            )?;
            let data = match &mut ev.event {
                payca::Event::CardTransaction(d) | payca::Event::AccountTransaction(d) => {
                    std::mem::take(d)
                }
                _ => tagged_data(&ev.event, &ev.raw),
            };
            Ok(event_out(ev, data, Some(&cx.a.body("body")?), cx.host))
        }
        _ => Err(cx.unknown()),
    }
}

pub(super) fn platform(p: &payca::Platform, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "verify_request" => Ok(Out::Json(cx.inst.verify_request(
            p,
            cx.a,
            cx.now()?,
            cx.over,
        )?)),
        "sign_webhook" => {
            let event_type = cx.a.str("event_type")?;
            let data = cx.a.payload("data")?;
            let rid = cx.a.opt_str("request_id")?;
            let key = cx.a.opt_str("idempotency_key")?;
            let hook = Notification {
                id: rid.as_deref(),
                idempotency_key: key.as_deref(),
                ..Notification::new(&event_type, data.as_slice())
            };
            Ok(webhook_out(p.sign_webhook(
                &hook,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        _ => Err(cx.unknown()),
    }
}
