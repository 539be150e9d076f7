//! The vocabulary's methods for WorldCard legacy: each converts its arguments and calls
//! the provider's contract.

#[allow(unused_imports)]
use super::*;

pub(super) fn client(c: &worldcard_legacy::Merchant, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "build_request" => {
            let path = cx.a.str("path")?;
            let payload = cx.a.opt_payload("payload")?;
            let nonce = match cx.a.opt_str("nonce")? {
                Some(n) => n,
                None => random_hex(cx.host, 8)?,
            };
            let req = Request {
                payload: payload.as_deref().map(Payload::Bytes),
                validate: cx.a.opt_bool("validate")?,
                nonce: Some(&nonce),
                timestamp: cx.a.opt_uint("timestamp_ms")?,
                ..Request::new(&path)
            };
            Ok(request_out(c.build_request(
                &req,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        "open_response" => opened(c, cx.a, cx.now()?),
        "decrypt_field" => Ok(Out::Str(c.decrypt_field(&cx.a.str("value")?)?)),
        "encrypt_field" => Ok(Out::Str(c.encrypt_field(&cx.a.str("value")?)?)),
        "check_webhook" | "verify_webhook" => {
            let ev = cx.inst.webhook(
                c,
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

pub(super) fn platform(p: &worldcard_legacy::Platform, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "verify_request" => Ok(Out::Json(Value::Object(cx.inst.verify_request(
            p,
            cx.a,
            cx.now()?,
            cx.over,
        )?))),
        "seal_response" => {
            let data =
                cx.a.opt_payload("payload")?
                    .unwrap_or_else(|| b"null".to_vec());
            Ok(response_out(p.seal_response(data.as_slice())?))
        }
        "sign_webhook" => {
            let data = cx.a.payload("data")?;
            let hook = Notification::new("", data.as_slice());
            Ok(webhook_out(p.sign_webhook(
                &hook,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        _ => Err(cx.unknown()),
    }
}
