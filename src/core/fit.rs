//! Fitting the duplicate model from labeled pairs: L2-regularised logistic
//! regression by Newton's method, then the join and "maybe" thresholds
//! chosen on the same asks favouring precision; and the task model from
//! labeled messages the same way. Pure and deterministic:
//! the same pairs give the same weights.

use super::dupmodel::{Features, Model, N};
use super::task_model::{Cues, N as TN, TaskModel};

/// One new ask and the earlier asks it was scored against.
#[derive(Debug, Clone, Default)]
pub struct Asked {
    /// Each candidate's signals, and whether it is the same piece of work.
    pub pairs: Vec<(Features, bool)>,
    /// An earlier ask of the same work exists (whether retrieved or not):
    /// the ask should have joined something.
    pub has_partner: bool,
}

/// The fitted model and its thresholds.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub model: Model,
    pub duplicate: f64,
    pub maybe: f64,
}

/// Pull on the weights towards 0 (not on the bias): keeps signals that
/// rarely occur from taking extreme weights, and the system solvable.
const L2: f64 = 1.0;
/// The task model's pull: its cues are all 0/1 and each is seen often
/// enough that a light pull served best under leave-one-file-out (0.01,
/// 0.03, 0.1, 0.3, 1 and 3 tried; 0.1 gave the best held-out task F1).
const TASK_L2: f64 = 0.1;
const ROUNDS: usize = 50;
/// Precision counts this much more than recall when the join threshold is
/// chosen (F-beta with beta = 0.5).
pub const BETA: f64 = 0.5;

/// Fit the model and thresholds; None without a single positive and
/// negative pair.
pub fn fit(asked: &[Asked]) -> Option<Fitted> {
    let pairs: Vec<&(Features, bool)> = asked.iter().flat_map(|a| &a.pairs).collect();
    if !pairs.iter().any(|p| p.1) || !pairs.iter().any(|p| !p.1) {
        return None;
    }
    let model = logistic(&pairs);
    let (duplicate, maybe) = thresholds(&model, asked);
    Some(Fitted {
        model,
        duplicate,
        maybe,
    })
}

/// L2-regularised logistic regression by Newton's method.
pub fn logistic(pairs: &[&(Features, bool)]) -> Model {
    let rows: Vec<([f64; N + 1], bool)> = pairs
        .iter()
        .map(|(x, y)| {
            let mut r = [1.0f64; N + 1];
            r[1..].copy_from_slice(x);
            (r, *y)
        })
        .collect();
    let w = newton(&rows, L2);
    let mut weights = [0.0; N];
    weights.copy_from_slice(&w[1..]);
    Model {
        bias: w[0],
        weights,
    }
}

/// The weights of an L2-regularised logistic regression on rows whose
/// first column is the constant 1 (the bias, not pulled towards 0).
pub fn newton<const D: usize>(rows: &[([f64; D], bool)], l2: f64) -> [f64; D] {
    let mut w = [0.0f64; D];
    for _ in 0..ROUNDS {
        let mut g = [0.0f64; D];
        let mut h = [[0.0f64; D]; D];
        for (x, y) in rows {
            let z: f64 = w.iter().zip(x).map(|(a, b)| a * b).sum();
            let p = super::dupmodel::sigmoid(z);
            let e = p - if *y { 1.0 } else { 0.0 };
            let s = (p * (1.0 - p)).max(1e-9);
            for ((gi, hi), xi) in g.iter_mut().zip(h.iter_mut()).zip(x) {
                *gi += e * xi;
                for (hij, xj) in hi.iter_mut().zip(x) {
                    *hij += s * xi * xj;
                }
            }
        }
        for i in 1..D {
            g[i] += l2 * w[i];
            h[i][i] += l2;
        }
        h[0][0] += 1e-6;
        let Some(step) = solve(h, g) else { break };
        let mut moved = 0.0f64;
        for (wi, si) in w.iter_mut().zip(&step) {
            *wi -= si;
            moved = moved.max(si.abs());
        }
        if moved < 1e-9 {
            break;
        }
    }
    w
}

/// Fit the task model on labeled messages (their cues, and whether each
/// is an ask), with the threshold that maximises F1 on them (ties to the
/// higher: precision first). None without both kinds of message.
pub fn fit_tasks(labeled: &[(Cues, bool)]) -> Option<TaskModel> {
    if !labeled.iter().any(|l| l.1) || !labeled.iter().any(|l| !l.1) {
        return None;
    }
    let rows: Vec<([f64; TN + 1], bool)> = labeled
        .iter()
        .map(|(x, y)| {
            let mut r = [1.0f64; TN + 1];
            r[1..].copy_from_slice(&x.vector());
            (r, *y)
        })
        .collect();
    let w = newton(&rows, TASK_L2);
    let mut m = TaskModel {
        bias: w[0],
        weights: [0.0; TN],
        threshold: 0.5,
    };
    m.weights.copy_from_slice(&w[1..]);
    let probs: Vec<(f64, bool)> = labeled.iter().map(|(x, y)| (m.prob(*x), *y)).collect();
    let f1_at = |t: f64| {
        let tp = probs.iter().filter(|(p, y)| *p >= t && *y).count() as f64;
        let fp = probs.iter().filter(|(p, y)| *p >= t && !*y).count() as f64;
        let fneg = probs.iter().filter(|(p, y)| *p < t && *y).count() as f64;
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fneg)
        }
    };
    m.threshold = (1..100)
        .map(|i| i as f64 / 100.0)
        .fold((f64::NEG_INFINITY, 0.5), |best, t| {
            let f = f1_at(t);
            if f >= best.0 { (f, t) } else { best }
        })
        .1;
    Some(m)
}

/// Gaussian elimination with partial pivoting.
fn solve<const D: usize>(mut a: [[f64; D]; D], mut b: [f64; D]) -> Option<[f64; D]> {
    for c in 0..D {
        let p = (c..D).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        let (pivot, pb) = (a[c], b[c]);
        for (row, br) in a.iter_mut().zip(b.iter_mut()).skip(c + 1) {
            let k = row[c] / pivot[c];
            for (v, p) in row.iter_mut().zip(pivot.iter()).skip(c) {
                *v -= k * p;
            }
            *br -= k * pb;
        }
    }
    let mut x = [0.0; D];
    for r in (0..D).rev() {
        let s: f64 = (r + 1..D).map(|j| a[r][j] * x[j]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    Some(x)
}

/// Precision, recall and F-beta of joining each ask to its best candidate
/// when that candidate's probability reaches `t`.
pub fn decide_at(model: &Model, asked: &[Asked], t: f64, beta: f64) -> [f64; 3] {
    let (mut tp, mut fp, mut fneg) = (0usize, 0usize, 0usize);
    for a in asked {
        let best = a
            .pairs
            .iter()
            .map(|(x, y)| (model.prob(x), *y))
            .max_by(|p, q| p.0.total_cmp(&q.0));
        let joined_right = match best {
            Some((p, y)) if p >= t => {
                if y {
                    tp += 1;
                } else {
                    fp += 1;
                }
                y
            }
            _ => false,
        };
        if a.has_partner && !joined_right {
            fneg += 1;
        }
    }
    let p = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fneg == 0 {
        0.0
    } else {
        tp as f64 / (tp + fneg) as f64
    };
    let b2 = beta * beta;
    let f = if p + r == 0.0 {
        0.0
    } else {
        (1.0 + b2) * p * r / (b2 * p + r)
    };
    [p, r, f]
}

/// The join threshold maximising F0.5 of the asks' decisions (ties to the
/// higher), and the "maybe" threshold maximising F2 below it: a question
/// to the owner costs less than a wrong merge, and a missed link more.
fn thresholds(model: &Model, asked: &[Asked]) -> (f64, f64) {
    let grid: Vec<f64> = (1..100).map(|i| i as f64 / 100.0).collect();
    let best = |beta: f64, below: f64| {
        grid.iter()
            .copied()
            .filter(|t| *t <= below)
            .map(|t| (decide_at(model, asked, t, beta)[2], t))
            .fold((f64::NEG_INFINITY, below), |acc, x| {
                if x.0 >= acc.0 { x } else { acc }
            })
            .1
    };
    let duplicate = best(BETA, 0.99);
    let maybe = best(2.0, duplicate);
    (duplicate, maybe.min(duplicate))
}

#[cfg(test)]
mod tests {
    use super::super::dupmodel::f;
    use super::*;

    /// Pairs made so that sharing a title means the same work far more
    /// often than a reply does, and different people mean other work.
    fn fixture() -> Vec<Asked> {
        let mut asked = Vec::new();
        for i in 0..200 {
            let mut x = [0.0; N];
            x[f::CONTENT] = (i % 10) as f64 / 10.0;
            x[f::SAME_TITLE] = (i % 2) as f64;
            x[f::REPLY] = (i % 3 == 0) as u8 as f64;
            x[f::DIFFERENT_PEOPLE] = (i % 5 == 0) as u8 as f64;
            let y = (x[f::SAME_TITLE] == 1.0 && i % 7 != 0 && x[f::DIFFERENT_PEOPLE] == 0.0)
                || (x[f::REPLY] == 1.0 && i % 4 == 0);
            asked.push(Asked {
                pairs: vec![(x, y)],
                has_partner: y,
            });
        }
        asked
    }

    #[test]
    fn fitting_recovers_which_signals_weigh_more() {
        let fitted = fit(&fixture()).expect("both classes");
        let w = &fitted.model.weights;
        assert!(w[f::SAME_TITLE] > w[f::REPLY], "{w:?}");
        assert!(w[f::REPLY] > 0.0, "{w:?}");
        assert!(w[f::DIFFERENT_PEOPLE] < 0.0, "{w:?}");
        assert!(fitted.maybe <= fitted.duplicate);
        // Deterministic: the same pairs, the same weights.
        assert_eq!(fit(&fixture()), Some(fitted));
    }

    #[test]
    fn one_class_fits_nothing() {
        let asked = vec![Asked {
            pairs: vec![([0.0; N], false)],
            has_partner: false,
        }];
        assert_eq!(fit(&asked), None);
    }

    /// Messages made so that a request word means an ask far more often
    /// than a hand-in verb does, and a delivery reported means none.
    #[test]
    fn the_task_fit_recovers_the_cues_ordering_and_a_usable_threshold() {
        use super::super::task_model::c;
        let mut labeled = Vec::new();
        for i in 0..300 {
            let mut x = Cues::default();
            let request = i % 2 == 0;
            let hand_in = i % 3 == 0;
            let reported = i % 5 == 0;
            x.set(c::REQUEST, request);
            x.set(c::HAND_IN, hand_in);
            x.set(c::DELIVERY_REPORTED, reported);
            // Asks: a request not answered by a report, and a few hand-ins.
            let ask = (request && !reported) || (hand_in && i % 9 == 0 && !reported);
            labeled.push((x, ask));
        }
        let m = fit_tasks(&labeled).expect("both kinds");
        assert!(m.weights[c::REQUEST] > m.weights[c::HAND_IN], "{m:?}");
        assert!(m.weights[c::DELIVERY_REPORTED] < 0.0, "{m:?}");
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
        let mut ask = Cues::default();
        ask.set(c::REQUEST, true);
        assert!(m.is_task(ask));
        let mut report = ask;
        report.set(c::DELIVERY_REPORTED, true);
        assert!(!m.is_task(report));
        assert_eq!(fit_tasks(&labeled[..1]), None, "one kind only");
    }
}
