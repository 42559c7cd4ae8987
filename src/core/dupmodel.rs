//! The duplicate model: what is known about a (new ask, earlier ask) pair as
//! a small fixed vector of signals, and the probability that the two are one
//! piece of work as a logistic model over them, `p = sigmoid(b + w·x)`. The
//! weights are fitted from labeled pairs (`onedigest rules fit`) and read
//! from `[model]` in the rules file.

use std::collections::BTreeMap;

/// The signals, in vector order; these are the keys of `[model]`.
pub const FEATURES: [&str; 24] = [
    "content",
    "same_title",
    "different_titles",
    "same_deliverable",
    "different_deliverables",
    "same_period",
    "periods_differ",
    "reply",
    "same_asker",
    "relay",
    "follow_up",
    "different_people",
    "another_instance",
    "deadlines_far_apart",
    "other_chat",
    "thin_new",
    "thin_old",
    "same_deadline",
    "chases_here",
    "chases_own",
    "parallel",
    "same_form",
    "different_forms",
    "moves_own",
];

/// Number of signals.
pub const N: usize = FEATURES.len();

/// Index of each signal in the vector.
pub mod f {
    pub const CONTENT: usize = 0;
    pub const SAME_TITLE: usize = 1;
    pub const DIFFERENT_TITLES: usize = 2;
    pub const SAME_DELIVERABLE: usize = 3;
    pub const DIFFERENT_DELIVERABLES: usize = 4;
    pub const SAME_PERIOD: usize = 5;
    pub const PERIODS_DIFFER: usize = 6;
    pub const REPLY: usize = 7;
    pub const SAME_ASKER: usize = 8;
    pub const RELAY: usize = 9;
    pub const FOLLOW_UP: usize = 10;
    pub const DIFFERENT_PEOPLE: usize = 11;
    pub const ANOTHER_INSTANCE: usize = 12;
    pub const DEADLINES_FAR_APART: usize = 13;
    pub const OTHER_CHAT: usize = 14;
    pub const THIN_NEW: usize = 15;
    pub const THIN_OLD: usize = 16;
    pub const SAME_DEADLINE: usize = 17;
    pub const CHASES_HERE: usize = 18;
    pub const CHASES_OWN: usize = 19;
    pub const PARALLEL: usize = 20;
    pub const SAME_FORM: usize = 21;
    pub const DIFFERENT_FORMS: usize = 22;
    pub const MOVES_OWN: usize = 23;
}

/// One pair's signals: content similarity in 0..1, the rest 0 or 1.
pub type Features = [f64; N];

/// A fitted logistic model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub bias: f64,
    pub weights: Features,
}

impl Model {
    /// The probability that the pair is one piece of work.
    pub fn prob(&self, x: &Features) -> f64 {
        sigmoid(self.logit(x))
    }

    pub fn logit(&self, x: &Features) -> f64 {
        self.bias
            + self
                .weights
                .iter()
                .zip(x.iter())
                .map(|(w, v)| w * v)
                .sum::<f64>()
    }

    /// From `[model]`'s table: `bias` and one weight per signal name; a
    /// missing signal weighs 0, an unknown key is an error naming it.
    pub fn from_table(table: &BTreeMap<String, f64>) -> Result<Model, String> {
        let mut m = Model {
            bias: 0.0,
            weights: [0.0; N],
        };
        for (k, v) in table {
            if !v.is_finite() {
                return Err(format!("model.{k}: must be a finite number"));
            }
            if k == "bias" {
                m.bias = *v;
            } else if let Some(i) = FEATURES.iter().position(|n| n == k) {
                m.weights[i] = *v;
            } else {
                return Err(format!(
                    "model.{k}: unknown signal (known: bias, {})",
                    FEATURES.join(", ")
                ));
            }
        }
        Ok(m)
    }

    /// The `[model]` table as TOML lines, in signal order.
    pub fn to_toml(&self) -> String {
        let mut s = format!("[model]\nbias = {:.4}\n", self.bias);
        for (name, w) in FEATURES.iter().zip(self.weights.iter()) {
            s.push_str(&format!("{name} = {w:.4}\n"));
        }
        s
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_round_trips_and_unknown_keys_are_named() {
        let mut t = BTreeMap::new();
        t.insert("bias".to_string(), -2.0);
        t.insert("content".to_string(), 5.0);
        t.insert("reply".to_string(), 3.0);
        let m = Model::from_table(&t).expect("valid");
        let mut x = [0.0; N];
        x[f::CONTENT] = 0.4;
        assert!((m.logit(&x) - 0.0).abs() < 1e-12);
        assert!((m.prob(&x) - 0.5).abs() < 1e-12);
        let text = m.to_toml();
        let parsed: BTreeMap<String, BTreeMap<String, f64>> = toml::from_str(&text).expect("toml");
        assert_eq!(Model::from_table(&parsed["model"]).expect("valid"), m);
        t.insert("colour".to_string(), 1.0);
        let e = Model::from_table(&t).expect_err("unknown key");
        assert!(e.contains("model.colour"), "{e}");
    }
}
