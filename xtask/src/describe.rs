//! The typed surfaces made from the provider descriptions
//! (`docs/openapi/<provider>.yaml`): one type per request body (TypeScript
//! interfaces, Python `TypedDict`s, Rust serde structs) and the per-path
//! overloads of `buildRequest` / `build_request` and `verifyRequest` /
//! `verify_request`, for every provider in [`DESCRIBED`].

// A repository tool: a description it cannot read stops generation with the
// reason (the file, the missing key), which is what `make generate` should do.
#![allow(clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use serde_json::Value;
use std::fmt::Write as _;

/// A provider with a description.
#[derive(Debug)]
pub struct Described {
    /// The provider's name as its documents write it (`PayCA`).
    pub display: &'static str,
    /// The file stem (`payca`).
    pub file: &'static str,
    /// The type-name prefix (`PayCa`).
    pub prefix: &'static str,
    /// The merchant class of the vocabulary (`PayCaClient`).
    pub client: &'static str,
    /// The platform class (`PayCaPlatform`).
    pub platform: &'static str,
    /// The Rust module the structs go to (`core/src/providers/payca/types.rs`).
    pub rust_file: &'static str,
    /// The reference page (`docs/payca.md`).
    pub reference: &'static str,
}

/// The providers described so far.
pub const DESCRIBED: &[Described] = &[
    Described {
        display: "PayCA",
        file: "payca",
        prefix: "PayCa",
        client: "PayCaClient",
        platform: "PayCaPlatform",
        rust_file: "core/src/providers/payca/types.rs",
        reference: "docs/payca.md",
    },
    Described {
        display: "WorldCard",
        file: "worldcard",
        prefix: "WorldCard",
        client: "WorldCardMerchant",
        platform: "WorldCardPlatform",
        rust_file: "core/src/providers/worldcard/types.rs",
        reference: "docs/worldcard.md",
    },
    Described {
        display: "WorldCard legacy",
        file: "worldcard-legacy",
        prefix: "WorldCardLegacy",
        client: "WorldCardLegacy",
        platform: "WorldCardLegacyPlatform",
        rust_file: "core/src/providers/worldcard_legacy/types.rs",
        reference: "docs/worldcard-legacy.md",
    },
    Described {
        display: "Wasabi",
        file: "wasabi",
        prefix: "Wasabi",
        client: "WasabiMerchant",
        platform: "WasabiPlatform",
        rust_file: "core/src/providers/wasabi/types.rs",
        reference: "docs/wasabi.md",
    },
    Described {
        display: "Wasabi gateway",
        file: "wasabi-gateway",
        prefix: "WasabiGateway",
        client: "WasabiGateway",
        platform: "",
        rust_file: "core/src/providers/wasabi/gateway_types.rs",
        reference: "docs/wasabi-gateway.md",
    },
    Described {
        display: "PinToPay",
        file: "pintopay",
        prefix: "PinToPay",
        client: "PinToPayMerchant",
        platform: "PinToPayPlatform",
        rust_file: "core/src/providers/pintopay/types.rs",
        reference: "docs/pintopay.md",
    },
];

/// The description, parsed.
pub fn load(file: &str) -> Value {
    let path = crate::root().join(format!("docs/openapi/{file}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A field's type.
#[derive(Debug, Clone)]
pub enum FieldTy {
    /// Text; `values` when the description closes the set (`enum`).
    Str(Option<Vec<String>>),
    /// An exact decimal, as text (never a float).
    Decimal,
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// An array of these.
    List(Box<FieldTy>),
    /// An object type of this model (by its full name).
    Obj(String),
    /// Anything.
    Any,
}

/// A field of an object type.
#[derive(Debug, Clone)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// Its type.
    pub ty: FieldTy,
    /// Required by the description.
    pub required: bool,
    /// Its description, if any.
    pub doc: Option<String>,
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Obj {
    /// The full name (`PayCaCreateUser`).
    pub name: String,
    /// The Rust name (`CreateUser`: the module is the provider's).
    pub rust_name: String,
    /// What it is.
    pub doc: String,
    /// Its fields, in the description's order.
    pub fields: Vec<Field>,
    /// A response's part: every field optional, read leniently.
    pub response: bool,
}

/// An operation with a JSON request body.
#[derive(Debug, Clone)]
pub struct Op {
    /// `POST`.
    pub method: String,
    /// The path template (`/v1/users/{id}/cardholder`).
    pub path: String,
    /// The summary.
    pub summary: String,
    /// The body's object type.
    pub body: String,
    /// Whether another method serves the same path without a body (GET).
    pub shared_path: bool,
}

/// An operation whose successful response has a documented body.
#[derive(Debug, Clone)]
pub struct Resp {
    /// `GET`, `POST`.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The summary.
    pub summary: String,
    /// The response's data type (an object type of the model).
    pub ty: String,
}

/// The model of one description: its body types and the operations using them.
#[derive(Debug)]
pub struct Model {
    /// Object types, each once.
    pub objs: Vec<Obj>,
    /// Operations with a JSON body, in path order.
    pub ops: Vec<Op>,
    /// Operations with a typed response, in path order.
    pub responses: Vec<Resp>,
}

/// The schema of what `op` answers on success, inside the provider's
/// envelope: the `data` member where the body is `{code|success, ..., data}`,
/// else the body (PayCA); `None` for a sealed or undocumented answer.
fn response_data<'a>(doc: &'a Value, op: &'a Value) -> Option<Value> {
    let responses = op.get("responses")?.as_object()?;
    let (_, ok) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    let (ok, _) = deref(doc, ok);
    let media = ok.pointer("/content/application~1json")?;
    let schema = match media.get("x-cardwire-plaintext") {
        Some(plain) => plain,
        // A sealed answer without a described plaintext (PinToPay): nothing to type.
        None if media["schema"]["$ref"]
            .as_str()
            .is_some_and(|r| r.ends_with("/Envelope")) =>
        {
            return None
        }
        None => media.get("schema")?,
    };
    let body = merged(doc, schema);
    let props = body.get("properties")?.as_object()?;
    let enveloped = props.contains_key("data")
        && ["code", "success", "status", "message", "msg"]
            .iter()
            .any(|k| props.contains_key(*k));
    let data = if enveloped {
        merged(doc, &props["data"])
    } else {
        body.clone()
    };
    let has_fields = data
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    has_fields.then_some(data)
}

fn deref<'a>(doc: &'a Value, v: &'a Value) -> (&'a Value, Option<String>) {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = doc
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling {r}"));
            let name = r.rsplit('/').next().map(str::to_owned);
            (deref(doc, target).0, name)
        }
        None => (v, None),
    }
}

fn upper_camel(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| s.trim().replace('\n', " "))
}

thread_local! {
    /// Whether [`object`] is typing a response (set by [`model`] around that pass).
    static RESPONSE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `schema` with its `allOf` members merged in (properties and required), as
/// the response envelopes are written (`allOf: [Response, {properties: {data}}]`).
fn merged(doc: &Value, schema: &Value) -> Value {
    let (s, _) = deref(doc, schema);
    let Some(all) = s.get("allOf").and_then(Value::as_array) else {
        return s.clone();
    };
    // Later members refine earlier ones (`allOf: [Response, {properties: {data}}]`);
    // the schema's own keys win over all of them.
    let mut props = serde_json::Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut out = serde_json::Map::new();
    for part in all.iter().map(|p| merged(doc, p)).chain([s.clone()]) {
        for (k, v) in part.as_object().into_iter().flatten() {
            match (k.as_str(), v) {
                ("properties", Value::Object(p)) => {
                    props.extend(p.iter().map(|(a, b)| (a.clone(), b.clone())));
                }
                ("required", Value::Array(r)) => required.extend(r.iter().cloned()),
                ("allOf", _) => {}
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    if !props.is_empty() {
        out.insert("properties".to_owned(), Value::Object(props));
    }
    if !required.is_empty() {
        out.insert("required".to_owned(), Value::Array(required));
    }
    Value::Object(out)
}

fn object(doc: &Value, d: &Described, schema: &Value, name: &str, objs: &mut Vec<Obj>) -> String {
    let response = RESPONSE.with(std::cell::Cell::get);
    let mut full = format!("{}{name}", d.prefix);
    let mut name = name.to_owned();
    // A schema used by a request and a response gets a response twin (its fields optional).
    if response && objs.iter().any(|o| o.name == full && !o.response) {
        full.push_str("Response");
        name.push_str("Response");
    }
    if objs.iter().any(|o| o.name == full) {
        return full;
    }
    let merged_schema = merged(doc, schema);
    let schema = &merged_schema;
    let name = name.as_str();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map_or(vec![], |a| a.iter().filter_map(Value::as_str).collect());
    let mut fields = Vec::new();
    let slot = objs.len();
    objs.push(Obj {
        name: full.clone(),
        rust_name: name.to_owned(),
        doc: text(schema, "description").unwrap_or_default(),
        fields: vec![],
        response,
    });
    for (fname, fschema) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (s, refname) = deref(doc, fschema);
        let ty = field_ty(
            doc,
            d,
            s,
            refname,
            &format!("{name}{}", upper_camel(fname)),
            objs,
        );
        let mut doc_text = text(s, "description");
        if let Some(open) = s.get("x-cardwire-open-enum").and_then(Value::as_array) {
            let values: Vec<&str> = open.iter().filter_map(Value::as_str).collect();
            if !doc_text.as_deref().unwrap_or_default().contains("open set") {
                doc_text = Some(
                    format!(
                        "{} Documented values: {} (an open set).",
                        doc_text.unwrap_or_default(),
                        values.join(", ")
                    )
                    .trim()
                    .to_owned(),
                );
            }
        }
        fields.push(Field {
            name: fname.clone(),
            ty,
            required: required.contains(&fname.as_str()),
            doc: doc_text,
        });
    }
    objs[slot].fields = fields;
    full
}

/// The type of a field's schema `s`; `name` names an object type made for it.
fn field_ty(
    doc: &Value,
    d: &Described,
    s: &Value,
    refname: Option<String>,
    name: &str,
    objs: &mut Vec<Obj>,
) -> FieldTy {
    let merged_schema = merged(doc, s);
    let s = &merged_schema;
    let ty = s.get("type").and_then(Value::as_str);
    if s.get("properties").is_some() {
        FieldTy::Obj(object(
            doc,
            d,
            s,
            &refname.unwrap_or_else(|| name.to_owned()),
            objs,
        ))
    } else if s.get("x-cardwire-decimal").is_some() {
        FieldTy::Decimal
    } else if ty == Some("integer") {
        FieldTy::Int
    } else if ty == Some("boolean") {
        FieldTy::Bool
    } else if ty == Some("array") {
        match s.get("items") {
            Some(items) => {
                let (i, iref) = deref(doc, items);
                FieldTy::List(Box::new(field_ty(
                    doc,
                    d,
                    i,
                    iref,
                    &format!("{name}Item"),
                    objs,
                )))
            }
            None => FieldTy::List(Box::new(FieldTy::Any)),
        }
    } else if ty == Some("string") {
        FieldTy::Str(s.get("enum").and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        }))
    } else {
        FieldTy::Any
    }
}

/// The model of `d`'s description.
pub fn model(d: &Described) -> Model {
    let doc = load(d.file);
    let mut objs = Vec::new();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let methods: Vec<&str> = ["get", "post", "put", "patch", "delete"]
            .into_iter()
            .filter(|m| item.get(*m).is_some())
            .collect();
        for m in &methods {
            let op = &item[*m];
            // A sealed body (PinToPay): the type is the plaintext's.
            let Some(schema) = op
                .pointer("/requestBody/content/application~1json/x-cardwire-plaintext")
                .or_else(|| op.pointer("/requestBody/content/application~1json/schema"))
            else {
                continue;
            };
            let (s, refname) = deref(&doc, schema);
            // Only bodies with documented fields get a type (no fields: nothing to check).
            if s.get("properties")
                .and_then(Value::as_object)
                .is_none_or(serde_json::Map::is_empty)
            {
                continue;
            }
            let name = refname
                .unwrap_or_else(|| upper_camel(op["operationId"].as_str().expect("operationId")));
            let body = object(&doc, d, s, &name, &mut objs);
            ops.push(Op {
                method: m.to_uppercase(),
                path: path.clone(),
                summary: text(op, "summary").unwrap_or_default(),
                body,
                shared_path: methods.len() > 1,
            });
        }
    }
    // The responses, typed after the request bodies (a schema both use gets a response twin).
    RESPONSE.with(|r| r.set(true));
    let mut responses = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(m) else { continue };
            let Some(data) = response_data(&doc, op) else {
                continue;
            };
            let name = format!(
                "{}Response",
                upper_camel(op["operationId"].as_str().expect("operationId"))
            );
            let ty = object(&doc, d, &data, &name, &mut objs);
            responses.push(Resp {
                method: m.to_uppercase(),
                path: path.clone(),
                summary: text(op, "summary").unwrap_or_default(),
                ty,
            });
        }
    }
    RESPONSE.with(|r| r.set(false));
    Model {
        objs,
        ops,
        responses,
    }
}

/// The described provider whose merchant or platform class this is.
pub fn described_class(class: &str) -> Option<&'static Described> {
    DESCRIBED
        .iter()
        .find(|d| d.client == class || d.platform == class)
}

/// A path template as a TypeScript type: `{id}` becomes `${string}`.
fn ts_path(path: &str) -> String {
    if path.contains('{') {
        let mut out = String::from("`");
        let mut rest = path;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            out.push_str("${string}");
            rest = &rest[rest[i..].find('}').map_or(rest.len(), |j| i + j + 1)..];
        }
        out.push_str(rest);
        out.push('`');
        out
    } else {
        format!("'{path}'")
    }
}

fn ts_field_ty(t: &FieldTy) -> String {
    match t {
        FieldTy::Str(Some(v)) => v
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(" | "),
        FieldTy::Str(None) | FieldTy::Decimal => "string".to_owned(),
        FieldTy::Int => "number".to_owned(),
        FieldTy::Bool => "boolean".to_owned(),
        FieldTy::List(t) => match **t {
            FieldTy::Str(Some(_)) => format!("Array<{}>", ts_field_ty(t)),
            _ => format!("{}[]", ts_field_ty(t)),
        },
        FieldTy::Obj(n) => n.clone(),
        FieldTy::Any => "unknown".to_owned(),
    }
}

/// The TypeScript types of every description.
pub fn ts_types() -> String {
    let mut out = String::new();
    for d in DESCRIBED {
        let m = model(d);
        let _ = writeln!(
            out,
            "// {}: the request bodies and response data of docs/openapi/{}.yaml (generated from it).\n",
            d.display, d.file
        );
        for o in &m.objs {
            match m.responses.iter().find(|r| r.ty == o.name) {
                Some(r) => {
                    let _ = writeln!(
                        out,
                        "/** What `{} {}` answers (its `data`; every field optional). */",
                        r.method, r.path
                    );
                }
                None if !o.doc.is_empty() => {
                    let _ = writeln!(out, "/** {} */", o.doc);
                }
                None => {}
            }
            let _ = writeln!(out, "export interface {} {{", o.name);
            for f in &o.fields {
                if let Some(doc) = &f.doc {
                    let _ = writeln!(out, "  /** {doc} */");
                }
                let _ = writeln!(
                    out,
                    "  {}{}: {};",
                    f.name,
                    if f.required && !o.response { "" } else { "?" },
                    ts_field_ty(&f.ty)
                );
            }
            out.push_str("}\n\n");
        }
        let _ = writeln!(out, "/** What each {} path answers (its `data`; every field optional): `opened.data as {}Responses['/path']` (`'GET /path'` where two methods share a path). */\nexport interface {}Responses {{", d.display, d.prefix, d.prefix);
        for r in &m.responses {
            // A path with typed answers for two methods is keyed `METHOD path`.
            let shared = m.responses.iter().filter(|x| x.path == r.path).count() > 1;
            let key = if shared {
                format!("{} {}", r.method, r.path)
            } else {
                r.path.clone()
            };
            let _ = writeln!(
                out,
                "  /** `{} {}` */\n  '{key}': {};",
                r.method, r.path, r.ty
            );
        }
        out.push_str("}\n\n");
        let _ = writeln!(out, "/** The {} paths whose request body is typed (a path with `{{id}}` matches any id). */", d.display);
        let paths: Vec<String> = m.ops.iter().map(|o| ts_path(&o.path)).collect();
        let _ = writeln!(
            out,
            "export type {}TypedPath =\n  | {};\n",
            d.prefix,
            paths.join("\n  | ")
        );
    }
    out
}

/// Typed overloads to write before `class.method`'s own line, and the
/// replacement of its first parameter (`path`) so that a typed path never
/// falls through to the untyped form.
pub fn ts_overloads(
    class: &str,
    method: &str,
    options: &str,
    ret: &str,
) -> Option<(Vec<String>, String)> {
    let d = described_class(class)?;
    let m = model(d);
    match (class == d.client, method) {
        (true, "build_request") => {
            let lines = m
                .ops
                .iter()
                .map(|o| {
                    format!(
                        "  /** `{} {}`: {} */\n  buildRequest(path: {}, payload{}: {} | string | Uint8Array | null, options?: {options}): {ret};",
                        o.method,
                        o.path,
                        o.summary,
                        ts_path(&o.path),
                        if o.shared_path { "?" } else { "" },
                        o.body
                    )
                })
                .collect();
            Some((
                lines,
                format!(
                    "<P extends string>(path: P extends {}TypedPath ? never : P",
                    d.prefix
                ),
            ))
        }
        (false, "verify_request") => {
            let lines = m
                .ops
                .iter()
                .map(|o| {
                    format!(
                        "  /** `{} {}`: the verified body, typed by `options.path`. */\n  verifyRequest(headers: HeadersInput, body: Body, options: {options} & {{ path: {} }}): {};",
                        o.method,
                        o.path,
                        ts_path(&o.path),
                        o.body
                    )
                })
                .collect();
            Some((lines, String::new()))
        }
        _ => None,
    }
}

fn py_field_ty(t: &FieldTy) -> String {
    match t {
        FieldTy::Str(Some(v)) => format!(
            "Literal[{}]",
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FieldTy::Str(None) => "str".to_owned(),
        FieldTy::Decimal => "Union[str, Decimal]".to_owned(),
        FieldTy::Int => "int".to_owned(),
        FieldTy::Bool => "bool".to_owned(),
        FieldTy::List(t) => format!("list[{}]", py_field_ty(t)),
        FieldTy::Obj(n) => n.clone(),
        FieldTy::Any => "Any".to_owned(),
    }
}

/// The Python `TypedDict`s of every description (Python 3.9: required keys
/// in a base class, optional ones in a `total=False` subclass).
pub fn py_types() -> String {
    let mut out = String::new();
    for d in DESCRIBED {
        let m = model(d);
        let _ = writeln!(
            out,
            "# {}: the request bodies and response data of docs/openapi/{}.yaml (generated from it).\n",
            d.display, d.file
        );
        for o in &m.objs {
            let required: Vec<&Field> = o
                .fields
                .iter()
                .filter(|f| f.required && !o.response)
                .collect();
            let optional: Vec<&Field> = o
                .fields
                .iter()
                .filter(|f| !f.required || o.response)
                .collect();
            let base = format!("_{}Required", o.name);
            let _ = writeln!(out, "class {base}(TypedDict):");
            if required.is_empty() {
                out.push_str("    pass\n");
            }
            for f in &required {
                let _ = writeln!(out, "    {}: {}", f.name, py_field_ty(&f.ty));
            }
            let _ = writeln!(out, "\nclass {}({base}, total=False):", o.name);
            let _ = writeln!(
                out,
                "    \"\"\"{}\"\"\"",
                match m.responses.iter().find(|r| r.ty == o.name) {
                    Some(r) => format!(
                        "What `{} {}` answers (its data; every field optional).",
                        r.method, r.path
                    ),
                    None if o.doc.is_empty() => format!("The body of {}.", o.name),
                    None => o.doc.replace('"', "'"),
                }
            );
            for f in &optional {
                let _ = writeln!(out, "    {}: {}", f.name, py_field_ty(&f.ty));
            }
            out.push('\n');
        }
    }
    out
}

/// The names `py_types` defines (exported from the package).
pub fn py_type_names() -> Vec<String> {
    DESCRIBED
        .iter()
        .flat_map(|d| model(d).objs.into_iter().map(|o| o.name))
        .collect()
}

/// Typed overloads for the stub of `class.method`: each typed path with its
/// body type, a deprecated overload that catches any other mapping for a
/// typed path (so a misspelt field is an error under mypy's `deprecated`
/// error code even where an untyped form would accept it), then the
/// untyped form.
pub fn py_overloads(class: &str, method: &str, params: &str, ret: &str) -> Option<Vec<String>> {
    let d = described_class(class)?;
    let m = model(d);
    let literal = |o: &Op| format!("Literal[\"{}\"]", o.path);
    let all: Vec<String> = m.ops.iter().map(|o| format!("\"{}\"", o.path)).collect();
    let rest = params.split_once(", ").map_or("", |(_, r)| r);
    match (class == d.client, method) {
        (true, "build_request") => {
            // params: "path: str, payload: Payload | None = None, *, ..."
            let kw = rest.split_once(", ").map_or("", |(_, r)| r);
            let mut lines: Vec<String> = m
                .ops
                .iter()
                .map(|o| format!("    @overload\n    def build_request(self, path: {}, payload: {} | str | bytes | None = None, {kw}) -> {ret}: ...", literal(o), o.body))
                .collect();
            lines.push(format!(
                "    @overload\n    @deprecated(\"this path's payload is typed: a field name that is not the description's (see the {}… TypedDicts)\")\n    def build_request(self, path: Literal[{}], payload: Mapping[str, Any], {kw}) -> {ret}: ...",
                d.prefix,
                all.join(", ")
            ));
            lines.push(format!(
                "    @overload\n    def build_request(self, {params}) -> {ret}: ..."
            ));
            Some(lines)
        }
        (false, "verify_request") => {
            // params: "headers: HeadersInput, body: Body, *, path: str | None = None"
            let head = params.split_once(", *,").map_or(params, |(h, _)| h);
            let mut lines: Vec<String> = m
                .ops
                .iter()
                .map(|o| format!("    @overload\n    def verify_request(self, {head}, *, path: {}) -> {}: ...", literal(o), o.body))
                .collect();
            lines.push(format!(
                "    @overload\n    def verify_request(self, {params}) -> {ret}: ..."
            ));
            Some(lines)
        }
        _ => None,
    }
}

fn rust_field_name(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    if out == "type" {
        "r#type".to_owned()
    } else {
        out
    }
}

fn rust_field_ty(t: &FieldTy, objs: &[Obj]) -> String {
    match t {
        FieldTy::Str(_) | FieldTy::Decimal => "String".to_owned(),
        FieldTy::Int => "i64".to_owned(),
        FieldTy::Bool => "bool".to_owned(),
        FieldTy::List(t) => format!("Vec<{}>", rust_field_ty(t, objs)),
        FieldTy::Obj(n) => objs
            .iter()
            .find(|o| &o.name == n)
            .map_or_else(|| n.clone(), |o| o.rust_name.clone()),
        FieldTy::Any => "serde_json::Value".to_owned(),
    }
}

/// The Rust module of `d`: a serde struct per request body, and its
/// endpoint (`TypedRequest`).
pub fn rust_types(d: &Described) -> String {
    let m = model(d);
    let mut out = format!(
        "//! The request bodies and response data of {}'s endpoints, generated by\n//! `make generate` from `docs/openapi/{}.yaml`. Do not edit. Each body\n//! serializes to the JSON the description gives (field names as sent); an\n//! endpoint's body also names its method and path ([`TypedRequest`]). The\n//! `...Response` structs read what an endpoint answers ([`TypedResponse`]):\n//! every field optional, read leniently.\n\n#[allow(unused_imports)]\nuse crate::contract::{{TypedRequest, TypedResponse}};\nuse serde::{{Deserialize, Serialize}};\n",
        d.display, d.file
    );
    for o in &m.objs {
        let _ = writeln!(out);
        let op = m.ops.iter().find(|op| op.body == o.name);
        let doc = match op {
            Some(op) => format!("`{} {}`: {}", op.method, op.path, op.summary),
            None if o.doc.is_empty() => format!("A part of a request body ({}).", o.rust_name),
            None => o.doc.clone(),
        };
        let resp = m.responses.iter().find(|r| r.ty == o.name);
        let doc = match resp {
            Some(r) => format!(
                "What `{} {}` answers (its `data`): {}",
                r.method, r.path, r.summary
            ),
            None if o.response && o.doc.is_empty() => {
                format!("A part of a response ({}).", o.rust_name)
            }
            None => doc,
        };
        let _ = writeln!(out, "/// {doc}");
        out.push_str("#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]\n");
        let _ = writeln!(out, "pub struct {} {{", o.rust_name);
        if o.response {
            for f in &o.fields {
                let doc = f.doc.clone().unwrap_or_else(|| format!("`{}`.", f.name));
                let _ = writeln!(out, "    /// {doc}");
                let reader = match f.ty {
                    FieldTy::Str(_) | FieldTy::Decimal => {
                        ", deserialize_with = \"crate::contract::lenient::text\""
                    }
                    FieldTy::Int => ", deserialize_with = \"crate::contract::lenient::int\"",
                    FieldTy::Bool => ", deserialize_with = \"crate::contract::lenient::boolean\"",
                    _ => "",
                };
                let _ = writeln!(
                    out,
                    "    #[serde(rename = \"{}\", default, skip_serializing_if = \"Option::is_none\"{reader})]\n    pub {}: Option<{}>,",
                    f.name,
                    rust_field_name(&f.name),
                    rust_field_ty(&f.ty, &m.objs)
                );
            }
            out.push_str("}\n");
            if let Some(r) = resp {
                let _ = writeln!(out, "\nimpl TypedResponse for {} {{\n    const METHOD: &'static str = \"{}\";\n    const PATH: &'static str = \"{}\";\n}}", o.rust_name, r.method, r.path);
            }
            continue;
        }
        for f in &o.fields {
            let doc = f.doc.clone().unwrap_or_else(|| format!("`{}`.", f.name));
            let _ = writeln!(out, "    /// {doc}");
            let ty = rust_field_ty(&f.ty, &m.objs);
            let _ = writeln!(
                out,
                "    #[serde(rename = \"{}\"{})]",
                f.name,
                if f.required {
                    ""
                } else {
                    ", default, skip_serializing_if = \"Option::is_none\""
                }
            );
            let _ = writeln!(
                out,
                "    pub {}: {},",
                rust_field_name(&f.name),
                if f.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                }
            );
        }
        out.push_str("}\n");
        if let Some(op) = op {
            let _ = writeln!(out, "\nimpl TypedRequest for {} {{\n    const METHOD: &'static str = \"{}\";\n    const PATH: &'static str = \"{}\";\n}}", o.rust_name, op.method, op.path);
        }
    }
    if !m.responses.is_empty() {
        out.push_str("\n/// Reads `data` as the response type of `method path` and writes it back\n/// (documented fields only); `None` for an endpoint without a typed\n/// response. What the tests check the documents' examples with.\n#[doc(hidden)]\npub fn read_response(method: &str, path: &str, data: &serde_json::Value) -> Option<crate::error::Result<serde_json::Value>> {\n    use crate::contract::read_typed as read;\n    Some(match (method, path) {\n");
        let mut seen = Vec::new();
        for r in &m.responses {
            if seen.contains(&(&r.method, &r.path)) {
                continue;
            }
            seen.push((&r.method, &r.path));
            let rust = m
                .objs
                .iter()
                .find(|o| o.name == r.ty)
                .map_or(r.ty.clone(), |o| o.rust_name.clone());
            let _ = writeln!(
                out,
                "        (\"{}\", \"{}\") => read::<{rust}>(data),",
                r.method, r.path
            );
        }
        out.push_str("        _ => return None,\n    })\n}\n");
    }
    rustfmt(&out)
}

/// `text` as rustfmt writes it (the repository's settings), so that the
/// generated module passes `cargo fmt --check` as it is.
fn rustfmt(text: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .current_dir(crate::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt runs (rustup component add rustfmt)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("rustfmt reads");
    let out = child.wait_with_output().expect("rustfmt ends");
    assert!(out.status.success(), "rustfmt refused the generated module");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// What a field's schema asks, in words (the rules cardwire's tables hold).
fn md_rules(doc: &Value, s: &Value) -> String {
    let (s, _) = deref(doc, s);
    let mut rules = Vec::new();
    if let Some(f) = s.get("format").and_then(Value::as_str) {
        rules.push(match f {
            "email" => "an e-mail address".to_owned(),
            "date" => "a date (YYYY-MM-DD)".to_owned(),
            other => format!("format {other}"),
        });
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        let f: Vec<&str> = any
            .iter()
            .filter_map(|a| a.get("format").and_then(Value::as_str))
            .collect();
        rules.push(format!("ISO 8601 ({})", f.join(" or ")));
    }
    if let Some(p) = s.get("pattern").and_then(Value::as_str) {
        if s.get("x-cardwire-decimal").is_none() {
            rules.push(match p {
                "^[0-9]+$" => "digits only".to_owned(),
                "^[A-Z]{2}$" => "two capital letters (ISO 3166-1 alpha-2)".to_owned(),
                "^[A-Z]{3}$" => "three capital letters (ISO 4217)".to_owned(),
                "^[A-Za-z]+( [A-Za-z]+)*$" => {
                    "letters A–Z and single spaces between words".to_owned()
                }
                "^[A-Za-z0-9]+$" => "letters and digits only".to_owned(),
                "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$" => {
                    "`YYYY-MM-DD HH:MM:SS`".to_owned()
                }
                other => format!("matches `{other}`"),
            });
        }
    }
    if let Some(n) = s.get("maxItems") {
        rules.push(format!("at most {n} items"));
    }
    for c in s
        .get("x-cardwire-checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        rules.push(md_check(c));
    }
    if let Some(d) = s.get("x-cardwire-decimal") {
        rules.push(if d.get("text") == Some(&Value::Bool(true)) {
            "an exact decimal, sent as a string".to_owned()
        } else {
            "an exact decimal".to_owned()
        });
    }
    if let Some(v) = s.get("enum").and_then(Value::as_array) {
        rules.push(format!(
            "one of {}",
            v.iter()
                .filter_map(Value::as_str)
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(v) = s.get("x-cardwire-open-enum").and_then(Value::as_array) {
        rules.push(format!(
            "such as {} (an open set: others pass)",
            v.iter()
                .filter_map(Value::as_str)
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(max) = s.get("maxLength") {
        rules.push(format!(
            "{}–{max} characters",
            s.get("minLength").cloned().unwrap_or(Value::from(0))
        ));
    }
    if let Some(max) = s.get("maximum") {
        rules.push(format!("at most {max}"));
    }
    if let Some(min) = s.get("minimum") {
        rules.push(format!("at least {min}"));
    }
    rules.join("; ")
}

/// A check JSON Schema cannot state (`x-cardwire-checks`), in words.
fn md_check(c: &Value) -> String {
    if let Some(n) = c.get("MinAge") {
        return format!("at least {n} years old (given today's date)");
    }
    if let Some(n) = c.get("Base64MaxBytes") {
        return format!("Base64 of at most {n} bytes");
    }
    if let Some(l) = c.get("CombinedLength") {
        return format!(
            "{} together at most {} characters",
            l["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" + "),
            l["max"]
        );
    }
    if let Some(k) = c.get("CardType").and_then(Value::as_str) {
        return format!("within the card type's limits ({k}; needs the card-type record)");
    }
    match c.as_str() {
        Some("WasabiPin") => "a 6-digit PIN (Wasabi's rules: no repeats, no runs)".to_owned(),
        _ => c.to_string(),
    }
}

/// An `if` condition, in words.
fn md_condition(i: &Value) -> String {
    let f = i["required"][0].as_str().unwrap_or_default();
    match i.pointer(&format!("/properties/{f}")) {
        Some(p) if p.get("const").is_some() => format!(
            "when `{f}` is `{}`",
            p["const"]
                .as_str()
                .map_or_else(|| p["const"].to_string(), str::to_owned)
        ),
        Some(p) if p.get("enum").is_some() => format!(
            "when `{f}` is one of {}",
            p["enum"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| format!(
                    "`{}`",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => format!("when `{f}` is given"),
    }
}

fn md_type(doc: &Value, s: &Value) -> String {
    let (r, name) = deref(doc, s);
    if let Some(n) = name {
        if r.get("properties").is_some() {
            return format!("object ({n})");
        }
    }
    match r.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ if r.get("anyOf").is_some() => "string".to_owned(),
        _ => "any".to_owned(),
    }
}

fn md_fields(doc: &Value, out: &mut String, prefix: &str, schema: &Value) {
    let (s, _) = deref(doc, schema);
    for group in s
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        md_group(doc, out, prefix, group, "");
    }
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map_or(vec![], |a| a.iter().filter_map(Value::as_str).collect());
    for (name, f) in s
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (fs, _) = deref(doc, f);
        let field = format!("{prefix}{name}");
        let req = if required.contains(&name.as_str()) {
            if prefix.is_empty() {
                "yes"
            } else {
                "when the object is given"
            }
        } else {
            ""
        };
        let desc = text(fs, "description")
            .or_else(|| text(f, "description"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{field}` | {} | {req} | {} | {} |",
            md_type(doc, f),
            md_cell(&md_rules(doc, f)),
            md_cell(&desc)
        );
        if fs.get("properties").is_some() {
            md_fields(doc, out, &format!("{field}."), fs);
        }
        if let Some(items) = fs.get("items") {
            if deref(doc, items).0.get("properties").is_some() {
                md_fields(doc, out, &format!("{field}[]."), items);
            }
        }
    }
}

/// One `allOf` entry of a body: a group across fields, or rules under a condition.
fn md_group(doc: &Value, out: &mut String, prefix: &str, group: &Value, when: &str) {
    if let Some(i) = group.get("if") {
        let cond = md_condition(deref(doc, i).0);
        let then = &group["then"];
        for f in then
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let _ = writeln!(out, "| `{prefix}{f}` | | {cond} | | |");
        }
        for (f, fs) in then
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let _ = writeln!(
                out,
                "| `{prefix}{f}` | | | {} ({cond}) | |",
                md_cell(&md_rules(doc, fs))
            );
        }
        for g in then
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            md_group(doc, out, prefix, g, &cond);
        }
        return;
    }
    let label = group["x-cardwire-label"].as_str().unwrap_or_default();
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .flat_map(|b| {
                b["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .fold(Vec::new(), |mut acc, f| {
                if !acc.contains(&f) {
                    acc.push(f);
                }
                acc
            })
            .into_iter()
            .map(|f| format!("`{f}`"))
            .collect()
    };
    let suffix = if when.is_empty() {
        String::new()
    } else {
        format!(" ({when})")
    };
    if group.get("anyOf").is_some() {
        let _ = writeln!(
            out,
            "| *{label}* | | one of {} | | at least one of them{suffix} |",
            list(&group["anyOf"]).join(", ")
        );
    }
    if let Some(not) = group.get("not") {
        let fields = if not.get("required").is_some() {
            list(&Value::Array(vec![not.clone()]))
        } else {
            list(&not["anyOf"])
        };
        let _ = writeln!(
            out,
            "| *{label}* | | | at most one of {} | {suffix} |",
            fields.join(", ")
        );
    }
    for c in group
        .get("x-cardwire-checks")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            out,
            "| *{label}* | | | {} | {suffix} |",
            md_cell(&md_check(c))
        );
    }
}

/// A list of objects as a table: one column per key, in order of first appearance.
fn md_table(out: &mut String, list: &[Value]) {
    let mut keys: Vec<&str> = Vec::new();
    for item in list {
        for k in item
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.as_str())
        {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty() {
        for item in list {
            let _ = writeln!(out, "- {}", md_cell(&md_value(item)));
        }
        return;
    }
    let _ = writeln!(
        out,
        "| {} |\n|{}",
        keys.join(" | "),
        "---|".repeat(keys.len())
    );
    for item in list {
        let cells: Vec<String> = keys
            .iter()
            .map(|k| {
                item.get(*k)
                    .map(|v| md_cell(&md_value(v)))
                    .unwrap_or_default()
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// A value in words: text as it is, anything else as compact JSON.
fn md_value(v: &Value) -> String {
    match v {
        Value::String(t) => t.clone(),
        Value::Array(a) if a.iter().all(Value::is_string) => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// An object of facts as a list (`- **key**: value`); a list of objects as a table.
fn md_facts(out: &mut String, v: &Value) {
    for (k, x) in v.as_object().into_iter().flatten() {
        match x {
            Value::Array(a) if a.iter().any(Value::is_object) => {
                let _ = writeln!(out, "- **{k}**:\n");
                md_table(out, a);
                out.push('\n');
            }
            Value::Object(o) if o.values().any(Value::is_object) => {
                let _ = writeln!(out, "- **{k}**:");
                for (a, b) in o {
                    let _ = writeln!(out, "  - `{a}`: {}", md_cell(&md_value(b)));
                }
            }
            _ => {
                let _ = writeln!(out, "- **{k}**: {}", md_cell(&md_value(x)));
            }
        }
    }
}

/// The reference page of `d`, made from its description alone.
pub fn markdown(d: &Described) -> String {
    let doc = load(d.file);
    let mut out = format!(
        "# {} reference\n\nGenerated by `make generate` from [`docs/openapi/{}.yaml`](openapi/{}.yaml) (OpenAPI 3.1), the one place cardwire writes {}'s facts down; do not edit. Sources: {}\n\n",
        d.display,
        d.file,
        d.file,
        d.display,
        md_cell(&text(&doc["info"], "x-cardwire-sources").unwrap_or_default())
    );
    out.push_str("## Authentication\n\n| header | what |\n|---|---|\n");
    for (_, scheme) in doc["components"]["securitySchemes"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let _ = writeln!(
            out,
            "| `{}` | {} |",
            scheme["name"].as_str().unwrap_or_default(),
            md_cell(&text(scheme, "description").unwrap_or_default())
        );
    }
    // The request headers: header parameters the paths use (a webhook's own
    // headers, such as PayCA's x-signature, belong to the webhooks section).
    let used_by_paths = doc["paths"].to_string();
    for (id, h) in doc["components"]["parameters"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if h["in"] != "header"
            || !used_by_paths.contains(&format!("#/components/parameters/{id}\""))
        {
            continue;
        }
        let _ = writeln!(
            out,
            "| `{}` ({}) | {} |",
            h["name"].as_str().unwrap_or_default(),
            if h["required"] == true {
                "required where used"
            } else {
                "optional"
            },
            md_cell(&text(h, "description").unwrap_or_default())
        );
    }
    if let Some(env) = doc.get("x-cardwire-envelope").and_then(Value::as_object) {
        out.push_str(
            "
## Envelope

What travels on the wire and how it is signed or sealed (`x-cardwire-envelope`); where a body is sealed, the request fields below are its plaintext's.

",
        );
        for (k, v) in env {
            let shown = match v {
                Value::String(t) => t.clone(),
                Value::Object(o) => o
                    .iter()
                    .map(|(a, b)| format!("{a}: {}", b.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            let shown = if shown.starts_with('{') {
                format!("`{shown}`")
            } else {
                md_cell(&shown)
            };
            let _ = writeln!(out, "- **{k}**: {shown}");
        }
    }
    out.push_str("\n## Endpoints\n\n| method | path | what | source |\n|---|---|---|---|\n");
    let methods = ["get", "post", "put", "patch", "delete"];
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for m in methods {
            if let Some(op) = item.get(m) {
                let _ = writeln!(
                    out,
                    "| {} | `{path}` | {} | {} |",
                    m.to_uppercase(),
                    md_cell(&text(op, "summary").unwrap_or_default()),
                    text(op, "x-cardwire-source").unwrap_or_default()
                );
            }
        }
    }
    let _ = writeln!(out, "\n## Request fields and rules\n\nWhat cardwire's validation checks before a request leaves (and the platform side checks on arrival); the tables in `{}` are compared with this description rule for rule by `cargo test -p xtask`.", d.rust_file.replace("types.rs", "rules.rs"));
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for m in methods {
            let Some(op) = item.get(m) else { continue };
            let body = op
                .get("requestBody")
                .and_then(|rb| rb["content"].as_object())
                .and_then(|c| c.iter().next());
            let query: Vec<&Value> = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|p| deref(&doc, p).0)
                .filter(|p| p["in"] == "query")
                .collect();
            if body.is_none() && query.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n### {} `{path}`\n", m.to_uppercase());
            out.push_str("| field | type | required | rules | notes |\n|---|---|---|---|---|\n");
            if let Some((media, content)) = body {
                if media != "application/json" {
                    let _ = writeln!(out, "| *({media})* | | | | |");
                }
                let schema = content
                    .get("x-cardwire-plaintext")
                    .unwrap_or(&content["schema"]);
                md_fields(&doc, &mut out, "", schema);
            }
            for q in query {
                let _ = writeln!(
                    out,
                    "| `{}` (query) | {} | {} | {} | {} |",
                    q["name"].as_str().unwrap_or_default(),
                    md_type(&doc, &q["schema"]),
                    if q["required"] == true { "yes" } else { "" },
                    md_cell(&md_rules(&doc, &q["schema"])),
                    md_cell(&text(q, "description").unwrap_or_default())
                );
            }
        }
    }
    let errors = &doc["x-cardwire-errors"];
    let _ = writeln!(out, "\n## Errors\n\nShape: `{}`. Retry advice as cardwire's `retryable` gives it (`maybe`: not retried automatically).", errors["shape"].as_str().unwrap_or_default());
    if let Some(d) = text(errors, "description") {
        let _ = writeln!(out, "\n{}", md_cell(&d));
    }
    // Every list of the catalog (codes, slugs, HTTP statuses, plain-text failures), as a table.
    for (key, list) in errors.as_object().into_iter().flatten() {
        let Some(list) = list.as_array().filter(|l| !l.is_empty()) else {
            continue;
        };
        let _ = writeln!(out, "\n### {key}\n");
        md_table(&mut out, list);
    }
    if let Some(u) = errors["unknown"].as_str() {
        let _ = writeln!(out, "\nUnknown codes: {u}.");
    }
    if let Some(list) = errors["messages"]["cardholder"].as_array() {
        out.push_str("\nCardholder refusals (their messages, from \"Error Handling\"):\n\n");
        for m in list {
            let _ = writeln!(out, "- `{}`", m.as_str().unwrap_or_default());
        }
    }
    let ack = &doc["x-cardwire-acknowledge"];
    if let Some(hooks) = doc["webhooks"].as_object().filter(|h| !h.is_empty()) {
        let _ = writeln!(
            out,
            "\n## Webhooks\n\nAcknowledge with HTTP {}{}.\n",
            ack["status"],
            ack["body"]
                .as_str()
                .map(|b| format!(" and the body `{b}`"))
                .unwrap_or_default()
        );
        match doc.get("x-cardwire-webhook-signature") {
            Some(sig) => {
                out.push_str("How they are authenticated (`x-cardwire-webhook-signature`):\n\n");
                md_facts(&mut out, sig);
            }
            None => out.push_str("Sealed in the envelope above: its MAC is the authenticity.\n"),
        }
        if let Some(r) = doc.get("x-cardwire-retry-schedule") {
            out.push_str("\nRetries (`x-cardwire-retry-schedule`):\n\n");
            md_facts(&mut out, r);
        }
        out.push_str("\n| event | body | what | retries |\n|---|---|---|---|\n");
        for (name, hook) in hooks {
            let media = &hook["post"]["requestBody"]["content"]["application/json"];
            let schema = deref(
                &doc,
                media
                    .get("x-cardwire-plaintext")
                    .unwrap_or(&media["schema"]),
            )
            .0;
            let fields: Vec<String> = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            let _ = writeln!(
                out,
                "| `{name}` | {} | {} | {} |",
                fields.join(", "),
                md_cell(&text(&hook["post"], "summary").unwrap_or_default()),
                md_cell(
                    hook["post"]["x-cardwire-retry-schedule"]["rule"]
                        .as_str()
                        .unwrap_or("see above")
                )
            );
        }
    }
    if let Some(events) = doc.get("x-cardwire-events") {
        out.push_str("\n## Events (polled)\n\n");
        md_facts(&mut out, events);
    }
    for (name, model) in doc["x-cardwire-status-models"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "\n## Status model `{name}`\n\nInitial: `{}`. Unknown statuses are kept, not refused.\n\n| status | final |\n|---|---|", model["initial"].as_str().unwrap_or_default());
        for (s, v) in model["states"].as_object().into_iter().flatten() {
            let _ = writeln!(
                out,
                "| `{s}` | {} |",
                if v["final"] == true { "yes" } else { "" }
            );
        }
        out.push_str("\nMoves: ");
        let moves: Vec<String> = model["transitions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                format!(
                    "`{}` → `{}`",
                    t[0].as_str().unwrap_or_default(),
                    t[1].as_str().unwrap_or_default()
                )
            })
            .collect();
        out.push_str(&moves.join(", "));
        out.push_str(".\n");
    }
    out
}
