//! PinToPay status models (PinToPay's public documentation).

use crate::status::StatusModel;

/// Orders: `new → activating | processing | failed`, `activating → completed
/// | failed`, `processing → completed | failed`. Final: `completed`, `failed`
/// (some pages add `paid`, kept as a known, non-final state).
pub const ORDER: StatusModel = StatusModel {
    name: "pintopay.order",
    states: &[
        ("new", false),
        ("activating", false),
        ("processing", false),
        ("paid", false),
        ("completed", true),
        ("failed", true),
    ],
    transitions: &[
        ("new", "activating"),
        ("new", "processing"),
        ("new", "failed"),
        ("activating", "completed"),
        ("activating", "failed"),
        ("processing", "completed"),
        ("processing", "failed"),
        ("new", "paid"),
        ("paid", "activating"),
        ("paid", "processing"),
    ],
};

/// Cards. The docs list the states, not the moves; `closed` is final.
pub const CARD: StatusModel = StatusModel {
    name: "pintopay.card",
    states: &[
        ("pending_order", false),
        ("paid", false),
        ("pending_activation", false),
        ("wait_for_topup_activation_by_user", false),
        ("active", false),
        ("frozen", false),
        ("closed", true),
    ],
    transitions: &[
        ("pending_order", "paid"),
        ("paid", "pending_activation"),
        ("pending_activation", "active"),
        ("pending_activation", "wait_for_topup_activation_by_user"),
        ("wait_for_topup_activation_by_user", "active"),
        ("active", "frozen"),
        ("frozen", "active"),
        ("active", "closed"),
        ("frozen", "closed"),
    ],
};

/// Cardholder `registration_status`.
pub const CARDHOLDER_REGISTRATION: StatusModel = StatusModel {
    name: "pintopay.cardholder.registration_status",
    states: &[
        ("pending", false),
        ("active", false),
        ("suspended", false),
        ("failed", true),
    ],
    transitions: &[
        ("pending", "active"),
        ("pending", "failed"),
        ("active", "suspended"),
        ("suspended", "active"),
    ],
};

/// Cardholder `kyc_status`.
pub const CARDHOLDER_KYC: StatusModel = StatusModel {
    name: "pintopay.cardholder.kyc_status",
    states: &[
        ("not_started", false),
        ("pending", false),
        ("approved", true),
        ("rejected", true),
        ("expired", true),
    ],
    transitions: &[
        ("not_started", "pending"),
        ("pending", "approved"),
        ("pending", "rejected"),
        ("pending", "expired"),
    ],
};
