//! Self-scored drills: timed exercises from `assets/drills/*.toml` ([`DrillSet`]), the learner's
//! attempts and best times ([`DrillHistory`], saved through [`crate::progress::Store`]).

pub mod history;
pub mod model;

pub use history::{Attempt, DrillHistory, DrillRun, DrillStats, RunResult, SelfScore};
pub use model::{load_drill_dir, parse_drill_set, Drill, DrillError, DrillSet};

/// The shipped drill sets: `$KUBEDOJO_DRILLS`, else `./assets/drills`, else the source tree's.
pub fn default_drills_dir() -> std::path::PathBuf {
    if let Ok(d) = std::env::var("KUBEDOJO_DRILLS") {
        return d.into();
    }
    let local = std::path::PathBuf::from("assets/drills");
    if local.is_dir() {
        return local;
    }
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/drills")
}

/// Drills per domain: how many there are and how many were ever done well (self-score 2 or 3).
pub fn domain_success(
    sets: &[DrillSet],
    history: &DrillHistory,
) -> std::collections::BTreeMap<crate::scenario::Domain, (usize, usize)> {
    let mut by = std::collections::BTreeMap::new();
    for d in sets.iter().flat_map(|s| &s.drills) {
        let e: &mut (usize, usize) = by.entry(d.domain).or_default();
        e.0 += 1;
        e.1 += usize::from(history.stats(&d.id).successes > 0);
    }
    by
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Store;
    use chrono::{DateTime, Duration, Utc};
    use std::path::Path;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_225_600 + secs, 0).unwrap_or_default()
    }

    const SET: &str = r#"
[set]
id = "speed"
title = "Speed"

[[drills]]
id = "speed-pod"
title = "Pod with a label"
domain = "workloads-scheduling"
target_seconds = 30
prompt = "Create pod web (nginx) labelled tier=web."
model_answer = "kubectl run web --image=nginx -l tier=web"
"#;

    #[test]
    fn runs_track_best_times_and_persist() {
        let set = parse_drill_set(Path::new("speed.toml"), SET).expect("set");
        let drill = set.drills[0].clone();
        let mut h = DrillHistory::default();
        let r = DrillRun::start(drill.clone(), t(0)).finish(
            SelfScore::new(3).expect("score"),
            t(40),
            &mut h,
        );
        assert!(r.new_best);
        assert_eq!(r.met_target, Some(false));
        let r = DrillRun::start(drill.clone(), t(100)).finish(
            SelfScore::new(1).expect("score"),
            t(110),
            &mut h,
        );
        assert!(!r.new_best, "a failed attempt is never a best time");
        let r = DrillRun::start(drill.clone(), t(200)).finish(
            SelfScore::new(2).expect("score"),
            t(200) + Duration::seconds(25),
            &mut h,
        );
        assert!(r.new_best);
        assert_eq!(r.met_target, Some(true));
        let stats = h.stats("speed-pod");
        assert_eq!(
            (stats.attempts, stats.successes, stats.best_seconds),
            (3, 2, Some(25))
        );

        let dir = std::env::temp_dir().join(format!("kubedojo-drill-{}", std::process::id()));
        let store = Store::new(&dir);
        store.save(&h).expect("save");
        assert_eq!(store.load::<DrillHistory>().expect("load").value, h);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn scores_outside_zero_to_three_are_rejected() {
        assert!(SelfScore::new(4).is_none());
        let bad = r#"{"attempts":{"x":[{"at":"2026-01-01T00:00:00Z","seconds":3,"score":7}]}}"#;
        assert!(serde_json::from_str::<DrillHistory>(bad).is_err());
    }

    #[test]
    fn drill_errors_name_line_and_column() {
        let text = SET.replace("domain = \"workloads-scheduling\"", "domain = \"nope\"");
        let err = parse_drill_set(Path::new("speed.toml"), &text).expect_err("bad domain");
        assert_eq!(err.line, 9, "{err}");
        assert!(err.to_string().starts_with("speed.toml:9:"), "{err}");
    }

    #[test]
    fn shipped_drill_sets_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/drills");
        let sets = load_drill_dir(&dir).expect("drill sets load");
        assert!(sets.len() >= 3, "{} sets", sets.len());
        assert!(sets.iter().map(|s| s.drills.len()).sum::<usize>() >= 20);
    }
}
