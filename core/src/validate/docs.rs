//! The rule tables as Markdown (`docs/validation.md`).

use super::*;

/// The rule tables of one provider as Markdown (for `docs/validation.md`).
pub fn tables_markdown(title: &str, tables: &[EndpointRules]) -> String {
    let mut out = format!("\n## {title}\n");
    for t in tables {
        out.push_str(&format!("\n### `{}`\n\n", t.endpoint));
        if !t.note.is_empty() {
            out.push_str(&format!("{}\n\n", t.note));
        }
        if t.rules.is_empty() {
            out.push_str("No documented rules (not covered).\n");
            continue;
        }
        out.push_str("| field | rule | when | source | note |\n|---|---|---|---|---|\n");
        for r in t.rules {
            let when = r.when.as_ref().map(describe_when).unwrap_or_default();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                r.field,
                describe_check(&r.check).replace('|', "\\|"),
                when.replace('|', "\\|"),
                r.source(),
                r.note_text().replace('|', "\\|")
            ));
        }
    }
    out
}

pub(crate) fn describe_when(w: &When) -> String {
    match w {
        When::Eq(f, v) => format!("{f} = {v}"),
        When::In(f, v) => format!("{f} ∈ {}", v.join("/")),
        When::NotIn(f, v) => format!("{f} ∉ {}", v.join("/")),
        When::Present(f) => format!("{f} given"),
        When::Absent(f) => format!("{f} absent"),
    }
}

pub(crate) fn describe_check(c: &Check) -> String {
    match c {
        Check::Required => "required".to_owned(),
        Check::AnyOf(f) => format!("one of {} required", f.join(", ")),
        Check::AtMostOne(f) => format!("at most one of {}", f.join(", ")),
        Check::Together(f) => format!("{} together or none", f.join(", ")),
        Check::Length { min, max } if min == max => format!("exactly {min} characters"),
        Check::Length { min, max } => format!("{min}..{max} characters"),
        Check::CombinedLength { fields, max } => {
            format!("{} ≤ {max} characters combined", fields.join(" + "))
        }
        Check::Decimal {
            min,
            max,
            places,
            text,
        } => {
            let mut parts = vec![if *text {
                "decimal (as a string)"
            } else {
                "decimal"
            }
            .to_owned()];
            if let Some(m) = min {
                parts.push(format!("≥ {m}"));
            }
            if let Some(m) = max {
                parts.push(format!("≤ {m}"));
            }
            if let Some(p) = places {
                parts.push(format!("≤ {p} places"));
            }
            parts.join(", ")
        }
        Check::Integer { min, max } => {
            let mut parts = vec!["integer".to_owned()];
            if let Some(m) = min {
                parts.push(format!("≥ {m}"));
            }
            if let Some(m) = max {
                parts.push(format!("≤ {m}"));
            }
            parts.join(", ")
        }
        Check::Enum {
            values,
            closed: true,
        } => format!("one of {}", values.join(", ")),
        Check::Enum {
            values,
            closed: false,
        } => format!("open set: {}, ...", values.join(", ")),
        Check::Format(f) => format!("format {f:?}"),
        Check::MinAge(y) => format!("age ≥ {y} (needs today's date)"),
        Check::Base64MaxBytes(n) => format!("≤ {} KB decoded", n / 1024),
        Check::MaxItems(n) => format!("≤ {n} items"),
        Check::WasabiPin => "6-digit PIN rules".to_owned(),
        Check::CardType(c) => format!("card type: {c:?} (needs the card-type record)"),
    }
}
