//! The vocabulary's methods for WorldCard `Card/*`: each converts its arguments and calls
//! the provider's contract.

#[allow(unused_imports)]
use super::*;

pub(super) fn merchant(m: &worldcard::Merchant, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "build_request" | "prepare_request" => {
            let path = cx.a.str("path")?;
            let payload = cx.a.request_payload(crate::registry::Provider::WorldCard)?;
            let nonce = match cx.a.opt_str("nonce")? {
                Some(n) => n,
                None => random_hex(cx.host, 16)?,
            };
            let req = Request {
                payload: payload.as_deref().map(Payload::Bytes),
                validate: cx.a.opt_bool("validate")?,
                nonce: Some(&nonce),
                timestamp: cx.a.opt_uint("timestamp_s")?,
                ..Request::new(&path)
            };
            let mut r = cx.rng()?;
            if cx.method.name == "prepare_request" {
                let p = m.prepare_request(&req, cx.now()?, &mut r)?;
                return Ok(prepared_out("prepared_request", p, request_out));
            }
            Ok(request_out(m.build_request(&req, cx.now()?, &mut r)?))
        }
        "finish_request" => {
            let (req, sig) = (Given::read(cx.a)?.request(), cx.a.bytes("signature")?);
            Ok(request_out(if unchecked(cx.a)? {
                trusted(req, worldcard::HEADER_SIGNATURE, &sig)
            } else {
                m.finish_request(req, &sig)?
            }))
        }
        "open_response" => opened(m, cx.a, cx.now()?),
        "decrypt_field" => Ok(Out::Str(m.decrypt_field(&cx.a.str("value")?)?)),
        "encrypt_field" => Ok(Out::Str(
            m.encrypt_field(&cx.a.str("value")?, &mut cx.rng()?)?,
        )),
        "check_webhook" | "verify_webhook" => {
            let ev = cx.inst.webhook(
                m,
                cx.a,
                cx.now()?,
                cx.method.name == "verify_webhook",
                cx.over,
            )?;
            let data = tagged_data(&ev.event, &ev.raw);
            Ok(event_out(ev, data, None, cx.host))
        }
        _ => Err(cx.unknown()),
    }
}

pub(super) fn platform(
    p: &worldcard::Platform,
    app_id: &str,
    cx: &mut Call<'_, '_>,
) -> Result<Out> {
    match cx.method.name {
        "verify_request" => Ok(Out::Json(
            cx.inst.verify_request(p, cx.a, cx.now()?, cx.over)?.json,
        )),
        "seal_response" => {
            let data = cx.a.opt_payload("payload")?;
            let payload = data.as_deref().map(Payload::Bytes);
            Ok(response_out(p.seal_response(
                app_id,
                payload,
                &mut cx.rng()?,
            )?))
        }
        "sign_webhook" | "prepare_webhook" => {
            let nonce = match cx.a.opt_str("nonce")? {
                Some(n) => n,
                None => random_hex(cx.host, 16)?,
            };
            let data = cx.a.payload("data")?;
            let kind = cx.a.str("event_type")?;
            let hook = Notification {
                id: Some(&nonce),
                timestamp_ms: cx.a.opt_uint("timestamp_ms")?,
                app_id: Some(app_id),
                ..Notification::new(&kind, data.as_slice())
            };
            let mut r = cx.rng()?;
            if cx.method.name == "prepare_webhook" {
                let prepared = p.prepare_webhook(&hook, cx.now()?, &mut r)?;
                return Ok(prepared_out("prepared_webhook", prepared, webhook_out));
            }
            Ok(webhook_out(p.sign_webhook(&hook, cx.now()?, &mut r)?))
        }
        "finish_webhook" => {
            let (hook, sig) = (Given::read(cx.a)?.webhook(), cx.a.bytes("signature")?);
            Ok(webhook_out(if unchecked(cx.a)? {
                trusted(hook, worldcard::HEADER_SIGNATURE, &sig)
            } else {
                p.finish_webhook(hook, &sig)?
            }))
        }
        _ => Err(cx.unknown()),
    }
}
