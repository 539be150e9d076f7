//! The vocabulary's methods for PinToPay: each converts its arguments and calls
//! the provider's contract.

#[allow(unused_imports)]
use super::*;

pub(super) fn merchant(m: &pintopay::Merchant, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "build_request" => {
            let path = cx.a.str("path")?;
            let payload = cx.a.request_payload(crate::registry::Provider::PinToPay)?;
            let key = cx.a.opt_str("idempotency_key")?;
            let req = Request {
                payload: payload.as_deref().map(Payload::Bytes),
                validate: cx.a.opt_bool("validate")?,
                idempotency_key: key.as_deref(),
                timestamp: cx.a.opt_uint("timestamp_us")?,
                ..Request::new(&path)
            };
            Ok(request_out(m.build_request(
                &req,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        "open_response" => opened(m, cx.a, cx.now()?),
        "check_webhook" | "verify_webhook" => {
            let ev = cx.inst.webhook(
                m,
                cx.a,
                cx.now()?,
                cx.method.name == "verify_webhook",
                cx.over,
            )?;
            let data = ev.event.clone();
            Ok(event_out(ev, data, None, cx.host))
        }
        _ => Err(cx.unknown()),
    }
}

pub(super) fn platform(p: &pintopay::Platform, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "verify_request" => Ok(Out::Json(
            cx.inst.verify_request(p, cx.a, cx.now()?, cx.over)?.payload,
        )),
        "seal_response" => {
            let data =
                cx.a.opt_payload("payload")?
                    .unwrap_or_else(|| b"{}".to_vec());
            Ok(response_out(
                p.seal_response(data.as_slice(), &mut cx.rng()?)?,
            ))
        }
        "seal_error" => Ok(response_out(p.seal_error(
            cx.a.status("status")?,
            &cx.a.str("slug")?,
            &cx.a.str("message")?,
            &mut cx.rng()?,
        ))),
        "sign_webhook" => {
            let (kind, data) = (cx.a.str("event_type")?, cx.a.payload("data")?);
            let hook = Notification::new(&kind, data.as_slice());
            Ok(webhook_out(p.sign_webhook(
                &hook,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        "rejection" => {
            let err = crate::api::error_from_input(cx.a.get("error").unwrap_or(&Input::Null));
            Ok(response_out(p.rejection(&err, &mut cx.rng()?)))
        }
        _ => Err(cx.unknown()),
    }
}
