//! PayCA cardholder statuses (the PayCA guide and PayCA's public documentation).

use crate::status::StatusModel;

/// Cardholders: created in `pending_review`; PayCA admin review, then the
/// provider audit. Final: `pass_audit`, `reject`, `rejected_by_admin`.
/// `submission_failed` is not final (an admin can retry it).
pub const CARDHOLDER: StatusModel = StatusModel {
    name: "payca.cardholder",
    states: &[
        ("pending_review", false),
        ("rejected_by_admin", true),
        ("wait_audit", false),
        ("under_review", false),
        ("pending_approval", false),
        ("pass_audit", true),
        ("reject", true),
        ("submission_failed", false),
    ],
    transitions: &[
        ("pending_review", "rejected_by_admin"),
        ("pending_review", "wait_audit"),
        ("pending_review", "submission_failed"),
        ("submission_failed", "wait_audit"),
        ("wait_audit", "under_review"),
        ("under_review", "pass_audit"),
        ("under_review", "pending_approval"),
        ("under_review", "reject"),
        ("pending_approval", "pass_audit"),
        ("pending_approval", "reject"),
    ],
};

/// Only `pass_audit` cardholders may be used to issue cards.
pub fn can_issue_cards(status: &str) -> bool {
    status == "pass_audit"
}
