//! Every scenario in `scenarios/`: its reference solution scores full marks for several seeds, and an
//! empty attempt scores zero — through the same Session API the learner's grading uses.

use kubedojo::scenario::load::load_dir;
use kubedojo::session::{ClockMode, Session};
use std::path::Path;

/// Every scenario's reference solution must score full marks for this many different seeds.
const SEEDS: u64 = 20;

fn scenarios() -> Vec<kubedojo::scenario::Loaded> {
    let (good, bad) = load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .as_path(),
    );
    assert!(bad.is_empty(), "broken scenario files: {bad:#?}");
    assert!(
        good.len() >= 3,
        "expected at least 3 scenarios, found {}",
        good.len()
    );
    good
}

#[test]
fn every_reference_solution_scores_full_marks() {
    let mut failures = Vec::new();
    for l in scenarios() {
        for seed in 1..=SEEDS {
            let mut s = match Session::start(&l, seed, ClockMode::Manual) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{} seed {seed}: {e}", l.scenario.id));
                    continue;
                }
            };
            let ran = s.run_solution();
            let Some(r) = s.grade() else { continue };
            if !r.full_marks() {
                let failed: Vec<String> = r
                    .findings
                    .iter()
                    .filter(|f| !f.passed)
                    .map(|f| format!("{}: {}", f.description, f.feedback))
                    .collect();
                let outs: Vec<String> = ran
                    .iter()
                    .map(|(c, o)| format!("$ {c}\n{}{}", o.stdout, o.stderr))
                    .collect();
                failures.push(format!(
                    "{} seed {seed}: {}/{}\n  {}\n{}",
                    l.scenario.id,
                    r.earned,
                    r.possible,
                    failed.join("\n  "),
                    outs.join("")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn an_empty_attempt_scores_zero() {
    for l in scenarios() {
        let s = Session::start(&l, 7, ClockMode::Manual).expect("scenario starts");
        let r = s.grade().expect("a task is graded");
        assert_eq!(
            r.earned, 0,
            "{}: an empty attempt earned {:?}",
            l.scenario.id, r.findings
        );
    }
}
