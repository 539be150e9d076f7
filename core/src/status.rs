//! Provider status models as public data: the states, which are final, and
//! which moves are documented. Unknown values are kept, never rejected:
//! [`StatusModel::is_known`] says whether a value is documented.

use serde::Serialize;

/// One documented status model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatusModel {
    /// What the model describes (`"pintopay.order"`).
    pub name: &'static str,
    /// Every documented state with whether it is final.
    pub states: &'static [(&'static str, bool)],
    /// Documented moves `(from, to)`.
    pub transitions: &'static [(&'static str, &'static str)],
}

impl StatusModel {
    /// Whether `status` is a documented state.
    pub fn is_known(&self, status: &str) -> bool {
        self.states.iter().any(|(s, _)| *s == status)
    }

    /// Whether `status` is documented as final. Unknown states are not final:
    /// keep polling, and look at the value yourself.
    pub fn is_final(&self, status: &str) -> bool {
        self.states.iter().any(|(s, f)| *s == status && *f)
    }

    /// Whether moving from `from` to `to` is a documented transition (staying
    /// in the same state is always allowed).
    pub fn can_transition(&self, from: &str, to: &str) -> bool {
        from == to || self.transitions.iter().any(|(f, t)| *f == from && *t == to)
    }

    /// The states `from` may move to.
    pub fn next_states(&self, from: &str) -> Vec<&'static str> {
        self.transitions
            .iter()
            .filter(|(f, _)| *f == from)
            .map(|(_, t)| *t)
            .collect()
    }
}
