//! FSRS-5 (Free Spaced Repetition Scheduler, version 5), implemented from its published formulas.
//!
//! Memory is two numbers: stability `S` (days until recall probability falls to 90%) and difficulty
//! `D` (1..10). Retrievability after `t` days is `R = (1 + F·t/S)^-0.5` with `F = 19/81`, so that
//! `R(S) = 0.9`. The 19 weights below are FSRS-5's published defaults.
//!
//! We implement it here rather than depend on a crate: `fsrs` brings an ML stack (its optimizer), and
//! the scheduler itself is a few closed-form equations.

use serde::{Deserialize, Serialize};

/// The learner's answer to "how well did you remember?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Rating {
    Again,
    Hard,
    Good,
    Easy,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// FSRS's grade number: 1 (Again) to 4 (Easy).
    pub fn grade(self) -> u8 {
        match self {
            Rating::Again => 1,
            Rating::Hard => 2,
            Rating::Good => 3,
            Rating::Easy => 4,
        }
    }

    fn index(self) -> usize {
        usize::from(self.grade() - 1)
    }
}

/// FSRS-5's default weights w0..w18.
pub const DEFAULT_WEIGHTS: [f64; 19] = [
    0.40255, 1.18385, 3.173, 15.69105, 7.1949, 0.5345, 1.4604, 0.0046, 1.54575, 0.1192, 1.01925,
    1.9395, 0.11, 0.29605, 2.2698, 0.2315, 2.9898, 0.51655, 0.6621,
];

const DECAY: f64 = -0.5;
/// `0.9^(1/DECAY) - 1`, chosen so that retrievability is 90% after `S` days.
const FACTOR: f64 = 19.0 / 81.0;

/// Stability and difficulty of one card.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Memory {
    pub stability: f64,
    pub difficulty: f64,
}

/// Scheduler parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub weights: [f64; 19],
    /// The recall probability at which a card comes due (0.9 means "due when 90% likely remembered").
    pub desired_retention: f64,
    /// The longest interval, in days.
    pub maximum_interval: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            weights: DEFAULT_WEIGHTS,
            desired_retention: 0.9,
            maximum_interval: 36_500,
        }
    }
}

impl Params {
    /// Probability of recall after `elapsed_days` with stability `stability`.
    pub fn retrievability(&self, elapsed_days: f64, stability: f64) -> f64 {
        if stability <= 0.0 {
            return 0.0;
        }
        (1.0 + FACTOR * elapsed_days.max(0.0) / stability).powf(DECAY)
    }

    /// The memory after the first rating of a new card: `S0 = w[G-1]`, `D0 = w4 - e^(w5(G-1)) + 1`.
    pub fn initial(&self, rating: Rating) -> Memory {
        Memory {
            stability: self.weights[rating.index()].max(0.01),
            difficulty: self.initial_difficulty(rating),
        }
    }

    fn initial_difficulty(&self, rating: Rating) -> f64 {
        let w = &self.weights;
        let g = f64::from(rating.grade());
        (w[4] - (w[5] * (g - 1.0)).exp() + 1.0).clamp(1.0, 10.0)
    }

    /// Difficulty after a review: linear damping towards 10, then mean reversion towards `D0(Easy)`.
    fn next_difficulty(&self, d: f64, rating: Rating) -> f64 {
        let w = &self.weights;
        let g = f64::from(rating.grade());
        let delta = -w[6] * (g - 3.0);
        let damped = d + delta * (10.0 - d) / 9.0;
        (w[7] * self.initial_difficulty(Rating::Easy) + (1.0 - w[7]) * damped).clamp(1.0, 10.0)
    }

    /// The memory after a review of a card last seen `elapsed_days` whole days ago. A review on the
    /// same day (`elapsed_days < 1`) uses FSRS-5's short-term formula `S·e^(w17(G-3+w18))`.
    pub fn next(&self, mem: Memory, elapsed_days: f64, rating: Rating) -> Memory {
        let w = &self.weights;
        let s = mem.stability.max(0.01);
        let d = mem.difficulty.clamp(1.0, 10.0);
        let g = f64::from(rating.grade());
        let stability = if elapsed_days < 1.0 {
            s * (w[17] * (g - 3.0 + w[18])).exp()
        } else {
            let r = self.retrievability(elapsed_days, s);
            if rating == Rating::Again {
                let long = w[11]
                    * d.powf(-w[12])
                    * ((s + 1.0).powf(w[13]) - 1.0)
                    * ((1.0 - r) * w[14]).exp();
                let short = s / (w[17] * w[18]).exp();
                long.min(short)
            } else {
                let hard = if rating == Rating::Hard { w[15] } else { 1.0 };
                let easy = if rating == Rating::Easy { w[16] } else { 1.0 };
                s * (1.0
                    + w[8].exp()
                        * (11.0 - d)
                        * s.powf(-w[9])
                        * (((1.0 - r) * w[10]).exp() - 1.0)
                        * hard
                        * easy)
            }
        };
        Memory {
            stability: stability.clamp(0.01, 36_500.0),
            difficulty: self.next_difficulty(d, rating),
        }
    }

    /// Days until the card's recall probability falls to `desired_retention`, rounded, at least 1.
    pub fn interval_days(&self, stability: f64) -> u32 {
        let r = self.desired_retention.clamp(0.5, 0.99);
        let days = stability / FACTOR * (r.powf(1.0 / DECAY) - 1.0);
        let max = f64::from(self.maximum_interval.max(1));
        if days.is_nan() {
            return 1;
        }
        // Clamped into 1..=max before the cast, so the cast cannot truncate.
        days.round().clamp(1.0, max) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    // Reference values computed independently from the published FSRS-5 formulas (Python, float64).
    #[test]
    fn first_review_matches_reference() {
        let p = Params::default();
        let d0 = [
            7.1949,
            6.488305268471453,
            5.282434422319005,
            3.2245015893713678,
        ];
        for (rating, d) in Rating::ALL.into_iter().zip(d0) {
            let m = p.initial(rating);
            assert!(
                close(m.stability, DEFAULT_WEIGHTS[rating.index()]),
                "{rating:?}"
            );
            assert!(close(m.difficulty, d), "{rating:?}: {}", m.difficulty);
        }
        let days: Vec<u32> = Rating::ALL
            .iter()
            .map(|r| p.interval_days(p.initial(*r).stability))
            .collect();
        assert_eq!(days, vec![1, 1, 3, 16]);
    }

    #[test]
    fn second_review_after_three_days_matches_reference() {
        let p = Params::default();
        let m = p.initial(Rating::Good);
        assert!(close(
            p.retrievability(3.0, m.stability),
            0.9046982108893272
        ));
        let expected = [
            (Rating::Again, 1.0555610912864883, 6.796932579932991),
            (Rating::Hard, 4.924511833379462, 6.0349502556102195),
            (Rating::Good, 10.73892584613159, 5.272967931287446),
            (Rating::Easy, 25.79360509476422, 4.510985606964673),
        ];
        for (rating, s, d) in expected {
            let n = p.next(m, 3.0, rating);
            assert!(close(n.stability, s), "{rating:?}: S {}", n.stability);
            assert!(close(n.difficulty, d), "{rating:?}: D {}", n.difficulty);
        }
        assert_eq!(p.interval_days(10.73892584613159), 11);
    }

    #[test]
    fn same_day_review_uses_short_term_stability() {
        let p = Params::default();
        let m = p.initial(Rating::Good);
        assert!(close(
            p.next(m, 0.0, Rating::Good).stability,
            4.466858064362218
        ));
        assert!(close(
            p.next(m, 0.0, Rating::Again).stability,
            1.589763507266002
        ));
    }

    #[test]
    fn retrievability_is_ninety_percent_at_stability() {
        let p = Params::default();
        assert!(close(p.retrievability(0.0, 5.0), 1.0));
        assert!(close(p.retrievability(5.0, 5.0), 0.9));
        assert_eq!(p.interval_days(5.0), 5);
        assert_eq!(p.interval_days(1e9), 36_500);
        assert_eq!(p.interval_days(f64::NAN), 1);
    }
}
