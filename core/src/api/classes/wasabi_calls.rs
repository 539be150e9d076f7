//! The vocabulary's methods for Wasabi (Open API and gateway): each converts its arguments and calls
//! the provider's contract.

#[allow(unused_imports)]
use super::*;

pub(super) fn merchant(m: &wasabi::Merchant, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "build_request" => {
            let path = cx.a.str("path")?;
            let payload = cx.a.opt_payload("payload")?;
            let req = Request {
                payload: payload.as_deref().map(Payload::Bytes),
                validate: cx.a.opt_bool("validate")?,
                ..Request::new(&path)
            };
            Ok(request_out(m.build_request(
                &req,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        "upload_file" => Ok(request_out(m.upload_file(
            &cx.a.str("filename")?,
            &cx.a.str("content_type")?,
            &cx.a.bytes("bytes")?,
            &cx.a.str("category")?,
            &mut call_rng(cx.host, None)?,
        )?)),
        "prepare_request" => {
            let path = cx.a.str("path")?;
            let payload = cx.a.opt_payload("payload")?;
            let req = Request {
                payload: payload.as_deref().map(Payload::Bytes),
                validate: cx.a.opt_bool("validate")?,
                ..Request::new(&path)
            };
            let prepared = m.prepare_request(&req, cx.now()?, &mut call_rng(cx.host, None)?)?;
            Ok(prepared_out("prepared_request", prepared, request_out))
        }
        "prepare_upload" => {
            let prepared = m.prepare_upload(
                &cx.a.str("filename")?,
                &cx.a.str("content_type")?,
                &cx.a.bytes("bytes")?,
                &cx.a.str("category")?,
                &mut call_rng(cx.host, None)?,
            )?;
            Ok(prepared_out("prepared_request", prepared, request_out))
        }
        "finish_request" => {
            let (req, sig) = (Given::read(cx.a)?.request(), cx.a.bytes("signature")?);
            Ok(request_out(if unchecked(cx.a)? {
                trusted(req, wasabi::HEADER_SIGNATURE, &sig)
            } else {
                m.finish_request(req, &sig)?
            }))
        }
        "prepare_decrypt" => Ok(prepared_decrypt_out(
            &m.prepare_decrypt(&cx.a.str("value")?)?,
        )),
        "finish_decrypt" => {
            let given = cx.a.get("prepared").ok_or_else(|| {
                Error::invalid_input("prepared is required: pass what prepare_decrypt returned")
            })?;
            let blocks = byte_list(given.get("blocks"), "prepared.blocks")?;
            let plain = byte_list(cx.a.get("plaintexts"), "plaintexts")?;
            Ok(Out::Str(m.finish_decrypt(&blocks, &plain)?))
        }
        "open_response" => opened(m, cx.a, cx.now()?),
        "decrypt_field" => Ok(Out::Str(
            m.decrypt_field(&cx.a.str("value")?, &mut call_rng(cx.host, None)?)?,
        )),
        "open_sensitive" => Ok(Out::Json(
            m.open_sensitive(&cx.a.json("data")?, &mut call_rng(cx.host, None)?)?,
        )),
        "check_webhook" | "verify_webhook" => {
            let mut ev = cx.inst.webhook(
                m,
                cx.a,
                cx.now()?,
                cx.method.name == "verify_webhook",
                cx.over,
            )?;
            let data = std::mem::take(&mut ev.event.data);
            Ok(event_out(ev, data, Some(&cx.a.body("body")?), cx.host))
        }
        _ => Err(cx.unknown()),
    }
}

pub(super) fn platform(p: &wasabi::Platform, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "verify_request" => Ok(Out::Json(cx.inst.verify_request(
            p,
            cx.a,
            cx.now()?,
            cx.over,
        )?)),
        "seal_response" => {
            let data =
                cx.a.opt_payload("payload")?
                    .unwrap_or_else(|| b"null".to_vec());
            Ok(response_out(p.seal_response(
                data.as_slice(),
                &mut call_rng(cx.host, None)?,
            )?))
        }
        "seal_error" => {
            let code = i64::try_from(cx.a.uint("code")?).unwrap_or(i64::MAX);
            Ok(response_out(p.seal_error(
                code,
                &cx.a.str("message")?,
                &mut call_rng(cx.host, None)?,
            )?))
        }
        "sign_webhook" => {
            let rid = match cx.a.opt_str("request_id")? {
                Some(r) => r,
                None => random_hex(cx.host, 16)?,
            };
            let (kind, data) = (cx.a.str("event_type")?, cx.a.payload("data")?);
            let hook = Notification::new(&kind, data.as_slice()).id(&rid);
            Ok(webhook_out(p.sign_webhook(
                &hook,
                cx.now()?,
                &mut call_rng(cx.host, None)?,
            )?))
        }
        "prepare_response" => {
            let data =
                cx.a.opt_payload("payload")?
                    .unwrap_or_else(|| b"null".to_vec());
            Ok(prepared_out(
                "prepared_response",
                p.prepare_response(data.as_slice())?,
                response_out,
            ))
        }
        "prepare_error" => {
            let code = i64::try_from(cx.a.uint("code")?).unwrap_or(i64::MAX);
            Ok(prepared_out(
                "prepared_response",
                p.prepare_error(code, &cx.a.str("message")?)?,
                response_out,
            ))
        }
        "finish_response" => {
            let (resp, sig) = (Given::read(cx.a)?.response(), cx.a.bytes("signature")?);
            Ok(response_out(if unchecked(cx.a)? {
                trusted(resp, wasabi::HEADER_SIGNATURE, &sig)
            } else {
                p.finish_response(resp, &sig)?
            }))
        }
        "prepare_webhook" => {
            let rid = match cx.a.opt_str("request_id")? {
                Some(r) => r,
                None => random_hex(cx.host, 16)?,
            };
            let (kind, data) = (cx.a.str("event_type")?, cx.a.payload("data")?);
            let hook = Notification::new(&kind, data.as_slice()).id(&rid);
            let prepared = p.prepare_webhook(&hook, cx.now()?, &mut call_rng(cx.host, None)?)?;
            Ok(prepared_out("prepared_webhook", prepared, webhook_out))
        }
        "finish_webhook" => {
            let (hook, sig) = (Given::read(cx.a)?.webhook(), cx.a.bytes("signature")?);
            Ok(webhook_out(if unchecked(cx.a)? {
                trusted(hook, wasabi::HEADER_SIGNATURE, &sig)
            } else {
                p.finish_webhook(hook, &sig)?
            }))
        }
        "encrypt_field" => {
            let pad =
                cx.a.opt_choice("padding", &["pkcs1v15", "oaep-sha1", "oaep-sha256"])?;
            Ok(Out::Str(p.encrypt_field(
                &cx.a.str("value")?,
                padding(pad.as_deref()),
                &mut call_rng(cx.host, None)?,
            )?))
        }
        _ => Err(cx.unknown()),
    }
}

pub(super) fn gateway(g: &wasabi::Gateway, cx: &mut Call<'_, '_>) -> Result<Out> {
    match cx.method.name {
        "build_request" => {
            let path = cx.a.str("path")?;
            let payload = cx.a.opt_payload("payload")?;
            let method_name = cx.a.opt_choice("method", &["GET", "POST", "get", "post"])?;
            let req = Request {
                payload: payload.as_deref().map(Payload::Bytes),
                method: method_name.as_deref(),
                validate: cx.a.opt_bool("validate")?,
                ..Request::new(&path)
            };
            Ok(request_out(g.build_request(
                &req,
                cx.now()?,
                &mut cx.rng()?,
            )?))
        }
        "upload_file" => Ok(request_out(g.upload_file(
            &cx.a.str("filename")?,
            &cx.a.str("content_type")?,
            &cx.a.bytes("bytes")?,
            &mut cx.rng()?,
        )?)),
        "open_response" => opened(g, cx.a, cx.now()?),
        "retry_decision" => {
            let err = crate::api::error_from_input(cx.a.get("error").unwrap_or(&Input::Null));
            let attempts = u32::try_from(cx.a.uint("attempts")?).unwrap_or(u32::MAX);
            let d = g.retry_policy().decide(&cx.a.str("path")?, &err, attempts);
            Ok(Out::Record(
                "retry_decision",
                vec![
                    ("retry", Out::Bool(d.retry)),
                    ("delay_ms", Out::uint(d.delay_ms)),
                    ("reason", Out::Str(d.reason)),
                ],
            ))
        }
        "webhook_events_request" => {
            let q = cx.a.json("query")?;
            let s = |k: &str| q.get(k).and_then(Value::as_str);
            let n = |k: &str| -> Result<Option<u32>> {
                match q.get(k) {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => v
                        .as_u64()
                        .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
                        .and_then(|x| u32::try_from(x).ok())
                        .map(Some)
                        .ok_or_else(|| Error::invalid_input(format!("{k} must be a whole number"))),
                }
            };
            let query = wasabi::gateway::WebhookEventsQuery {
                category: s("category"),
                reference_id: s("reference_id"),
                merchant_order_no: s("merchant_order_no"),
                status: s("status"),
                from: s("from"),
                to: s("to"),
                per_page: n("per_page")?,
                page: n("page")?,
            };
            Ok(request_out(g.webhook_events_request(&query)?))
        }
        _ => Err(cx.unknown()),
    }
}
