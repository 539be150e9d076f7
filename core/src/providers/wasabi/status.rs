//! Wasabi status models, as the documents list them. Values are compared
//! exactly (the upstream mixes cases: `Normal`, `Freeze`, `pending`);
//! unknown values are kept by callers, never rejected.

use crate::status::StatusModel;

/// Open API card `status`.
pub const CARD: StatusModel = StatusModel {
    name: "wasabi.card",
    states: &[
        ("pending", false),
        ("un_activated", false),
        ("Normal", false),
        ("Freeze", false),
        ("Freezing", false),
        ("UnFreezing", false),
        ("canceling", false),
        ("cancel", true),
        ("fail", true),
    ],
    transitions: &[
        ("pending", "Normal"),
        ("pending", "un_activated"),
        ("pending", "fail"),
        ("un_activated", "Normal"),
        ("Normal", "Freezing"),
        ("Freezing", "Freeze"),
        ("Freezing", "Normal"),
        ("Freeze", "UnFreezing"),
        ("UnFreezing", "Normal"),
        ("UnFreezing", "Freeze"),
        ("Normal", "canceling"),
        ("Freeze", "canceling"),
        ("canceling", "cancel"),
    ],
};

/// Order / operation `status` (create, deposit, withdraw, cancel, ...).
pub const ORDER: StatusModel = StatusModel {
    name: "wasabi.order",
    states: &[
        ("wait_process", false),
        ("processing", false),
        ("pending", false),
        ("success", true),
        ("fail", true),
    ],
    transitions: &[
        ("wait_process", "processing"),
        ("wait_process", "success"),
        ("wait_process", "fail"),
        ("processing", "success"),
        ("processing", "fail"),
        ("pending", "success"),
        ("pending", "fail"),
    ],
};

/// Authorization transaction `status` (`card_auth_transaction` is pushed again as it moves).
pub const AUTHORIZATION: StatusModel = StatusModel {
    name: "wasabi.authorization",
    states: &[("authorized", false), ("succeed", true), ("failed", true)],
    transitions: &[("authorized", "succeed"), ("authorized", "failed")],
};

/// Cardholder `status` (gateway and `card_holder` notifications): `wait_audit`
/// and `under_review` mean keep polling; `pass_audit` and `reject` are final.
/// A rejected cardholder may be updated (`cardholders/update-v2`), which
/// starts a new audit (`reject → wait_audit`); `pass_audit → wait_audit`
/// happens on an e-mail change.
pub const CARDHOLDER: StatusModel = StatusModel {
    name: "wasabi.cardholder",
    states: &[
        ("wait_audit", false),
        ("under_review", false),
        ("pass_audit", true),
        ("reject", true),
    ],
    transitions: &[
        ("wait_audit", "under_review"),
        ("wait_audit", "pass_audit"),
        ("wait_audit", "reject"),
        ("under_review", "pass_audit"),
        ("under_review", "reject"),
        ("reject", "wait_audit"),
        ("pass_audit", "wait_audit"),
    ],
};

/// The gateway's "final or keep polling" rule for cardholders: `true` while
/// the status is `wait_audit`, `under_review` or anything undocumented.
pub fn cardholder_keep_polling(status: &str) -> bool {
    !CARDHOLDER.is_final(status)
}
