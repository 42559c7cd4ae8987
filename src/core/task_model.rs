//! The task model: which cues a message shows (a request word, a clock
//! time, a chaser's shape, a delivery reported…) as a fixed vector of 0/1
//! signals, and whether it is an ask as a logistic model over them,
//! `p = sigmoid(bias + w·x)`, an ask when `p >= threshold`. The weights are
//! fitted from labeled messages (`onedigest rules fit-tasks`) and read from
//! `[task_model]` in the rules file; without that table the hand-set
//! weights below apply.

use std::collections::BTreeMap;

/// The cues, in vector order; these are the keys of `[task_model]`.
pub const CUES: [&str; 39] = [
    "request",
    "hand_in",
    "clock_deadline",
    "marked_day_deadline",
    "unmarked_day",
    "addressed",
    "vocative",
    "owner_hand_in",
    "acknowledgement",
    "opens_with_thanks",
    "information_question",
    "promise_to_addressee",
    "promise",
    "cancellation",
    "details_later",
    "invitation",
    "thanks",
    "exhortation",
    "work_done",
    "chaser",
    "still_missing",
    "attendance",
    "delivery_reported",
    "standing_manner",
    "clarification",
    "hearsay",
    "to_superior",
    "asker_follow_up",
    "reply",
    "owner",
    "relay_to_me",
    "request_with_time",
    "hand_in_with_time",
    "still_missing_unaimed",
    "short",
    "timed_reply",
    "hand_over_construction",
    "units_addressed",
    "to_reader",
];

/// Number of cues.
pub const N: usize = CUES.len();

/// Index of each cue in the vector.
pub mod c {
    pub const REQUEST: usize = 0;
    pub const HAND_IN: usize = 1;
    pub const CLOCK_DEADLINE: usize = 2;
    pub const MARKED_DAY_DEADLINE: usize = 3;
    pub const UNMARKED_DAY: usize = 4;
    pub const ADDRESSED: usize = 5;
    pub const VOCATIVE: usize = 6;
    pub const OWNER_HAND_IN: usize = 7;
    pub const ACKNOWLEDGEMENT: usize = 8;
    pub const OPENS_WITH_THANKS: usize = 9;
    pub const INFORMATION_QUESTION: usize = 10;
    pub const PROMISE_TO_ADDRESSEE: usize = 11;
    pub const PROMISE: usize = 12;
    pub const CANCELLATION: usize = 13;
    pub const DETAILS_LATER: usize = 14;
    pub const INVITATION: usize = 15;
    pub const THANKS: usize = 16;
    pub const EXHORTATION: usize = 17;
    pub const WORK_DONE: usize = 18;
    pub const CHASER: usize = 19;
    pub const STILL_MISSING: usize = 20;
    pub const ATTENDANCE: usize = 21;
    pub const DELIVERY_REPORTED: usize = 22;
    pub const STANDING_MANNER: usize = 23;
    pub const CLARIFICATION: usize = 24;
    pub const HEARSAY: usize = 25;
    pub const TO_SUPERIOR: usize = 26;
    pub const ASKER_FOLLOW_UP: usize = 27;
    pub const REPLY: usize = 28;
    pub const OWNER: usize = 29;
    pub const RELAY_TO_ME: usize = 30;
    pub const REQUEST_WITH_TIME: usize = 31;
    pub const HAND_IN_WITH_TIME: usize = 32;
    pub const STILL_MISSING_UNAIMED: usize = 33;
    pub const SHORT: usize = 34;
    pub const TIMED_REPLY: usize = 35;
    pub const HAND_OVER_CONSTRUCTION: usize = 36;
    pub const UNITS_ADDRESSED: usize = 37;
    pub const TO_READER: usize = 38;
}

/// The cues one message shows, one bit per cue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cues(pub u64);

impl Cues {
    pub fn set(&mut self, cue: usize, on: bool) {
        if on {
            self.0 |= 1 << cue;
        }
    }

    pub fn has(self, cue: usize) -> bool {
        self.0 & (1 << cue) != 0
    }

    /// As the model's input vector.
    pub fn vector(self) -> [f64; N] {
        std::array::from_fn(|i| if self.has(i) { 1.0 } else { 0.0 })
    }

    /// The names of the cues shown, in vector order (for explanations).
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        CUES.iter()
            .enumerate()
            .filter(move |(i, _)| self.has(*i))
            .map(|(_, n)| *n)
    }
}

/// A logistic model over the cues and the probability at which a message
/// counts as an ask.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskModel {
    pub bias: f64,
    pub weights: [f64; N],
    pub threshold: f64,
}

impl Default for TaskModel {
    fn default() -> Self {
        TaskModel::hand_set()
    }
}

impl TaskModel {
    /// The weights written by hand before any fit: an ask at a summed
    /// score of 3 (bias -3, probability 0.5).
    pub fn hand_set() -> TaskModel {
        let mut w = [0.0; N];
        for (cue, v) in [
            (c::REQUEST, 3.0),
            (c::HAND_IN, 1.0),
            (c::CLOCK_DEADLINE, 1.0),
            (c::MARKED_DAY_DEADLINE, 1.0),
            (c::ADDRESSED, 1.0),
            (c::VOCATIVE, 2.0),
            (c::OWNER_HAND_IN, 1.0),
            (c::ACKNOWLEDGEMENT, -10.0),
            (c::OPENS_WITH_THANKS, -4.0),
            (c::INFORMATION_QUESTION, -4.0),
            (c::PROMISE_TO_ADDRESSEE, -1.0),
            (c::PROMISE, -5.0),
            (c::CANCELLATION, -6.0),
            (c::DETAILS_LATER, -4.0),
            (c::INVITATION, -4.0),
            (c::THANKS, -2.0),
            (c::EXHORTATION, -4.0),
            (c::WORK_DONE, -3.0),
            (c::CHASER, 7.0),
            (c::STILL_MISSING, 3.0),
            (c::ATTENDANCE, 3.0),
            (c::DELIVERY_REPORTED, -6.0),
            (c::STANDING_MANNER, -5.0),
            (c::CLARIFICATION, -4.0),
            (c::HEARSAY, -4.0),
            (c::TO_SUPERIOR, -5.0),
            (c::ASKER_FOLLOW_UP, 1.0),
        ] {
            w[cue] = v;
        }
        TaskModel {
            bias: -3.0,
            weights: w,
            threshold: 0.5,
        }
    }

    pub fn logit(&self, x: Cues) -> f64 {
        self.bias
            + self
                .weights
                .iter()
                .enumerate()
                .filter(|(i, _)| x.has(*i))
                .map(|(_, w)| w)
                .sum::<f64>()
    }

    /// The probability that a message showing `x` is an ask.
    pub fn prob(&self, x: Cues) -> f64 {
        super::dupmodel::sigmoid(self.logit(x))
    }

    pub fn is_task(&self, x: Cues) -> bool {
        self.prob(x) >= self.threshold
    }

    /// From `[task_model]`'s table: `bias`, `threshold` and one weight per
    /// cue; a missing cue weighs 0, an unknown key is an error naming it.
    pub fn from_table(table: &BTreeMap<String, f64>) -> Result<TaskModel, String> {
        let mut m = TaskModel {
            bias: 0.0,
            weights: [0.0; N],
            threshold: 0.5,
        };
        for (k, v) in table {
            if !v.is_finite() {
                return Err(format!("task_model.{k}: must be a finite number"));
            }
            if k == "bias" {
                m.bias = *v;
            } else if k == "threshold" {
                if !(0.0..=1.0).contains(v) {
                    return Err(format!("task_model.{k}: must be between 0.0 and 1.0"));
                }
                m.threshold = *v;
            } else if let Some(i) = CUES.iter().position(|n| n == k) {
                m.weights[i] = *v;
            } else {
                return Err(format!(
                    "task_model.{k}: unknown cue (known: bias, threshold, {})",
                    CUES.join(", ")
                ));
            }
        }
        Ok(m)
    }

    /// The `[task_model]` table as TOML lines, in cue order.
    pub fn to_toml(&self) -> String {
        let mut s = format!(
            "[task_model]\nthreshold = {:.2}\nbias = {:.4}\n",
            self.threshold, self.bias
        );
        for (name, w) in CUES.iter().zip(self.weights.iter()) {
            s.push_str(&format!("{name} = {w:.4}\n"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_set_weights_need_a_summed_score_of_three() {
        let m = TaskModel::hand_set();
        let mut x = Cues::default();
        x.set(c::REQUEST, true);
        assert!(m.is_task(x), "a request word alone");
        let mut y = Cues::default();
        y.set(c::HAND_IN, true);
        y.set(c::ADDRESSED, true);
        assert!(!m.is_task(y), "two weak cues");
        y.set(c::ASKER_FOLLOW_UP, true);
        assert!(m.is_task(y), "...from the asker, following up");
        x.set(c::ACKNOWLEDGEMENT, true);
        assert!(!m.is_task(x));
    }

    #[test]
    fn a_table_round_trips_and_bad_keys_are_named() {
        let mut m = TaskModel::hand_set();
        m.threshold = 0.37;
        let text = m.to_toml();
        let parsed: BTreeMap<String, BTreeMap<String, f64>> = toml::from_str(&text).expect("toml");
        assert_eq!(
            TaskModel::from_table(&parsed["task_model"]).expect("valid"),
            m
        );
        let mut t = BTreeMap::new();
        t.insert("colour".to_string(), 1.0);
        let e = TaskModel::from_table(&t).expect_err("unknown key");
        assert!(e.contains("task_model.colour"), "{e}");
        let mut t = BTreeMap::new();
        t.insert("threshold".to_string(), 1.5);
        let e = TaskModel::from_table(&t).expect_err("out of range");
        assert!(e.contains("task_model.threshold"), "{e}");
    }

    #[test]
    fn cues_name_what_they_hold() {
        let mut x = Cues::default();
        x.set(c::CHASER, true);
        x.set(c::REPLY, true);
        assert_eq!(x.names().collect::<Vec<_>>(), ["chaser", "reply"]);
        assert_eq!(x.vector().iter().sum::<f64>(), 2.0);
    }
}
