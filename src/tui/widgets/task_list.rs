//! The practice list's state: the scenarios that loaded, the files that did not, a filter typed
//! after `/`, and the selection among the scenarios the filter lets through.

use crate::scenario::{Loaded, ScenarioError};

#[derive(Debug, Default)]
pub struct TaskList {
    pub scenarios: Vec<Loaded>,
    pub errors: Vec<ScenarioError>,
    /// Index into [`TaskList::visible`].
    pub selected: usize,
    /// Words every shown scenario must contain (in its id, title, domain or tags).
    pub filter: String,
    /// Keys go to the filter.
    pub filtering: bool,
    /// Why the last attempt could not start.
    pub status: Option<String>,
    /// The best grade of each task this run, by id: (earned, possible). Not saved yet.
    pub best: std::collections::BTreeMap<String, (u32, u32)>,
}

impl TaskList {
    pub fn new(scenarios: Vec<Loaded>, errors: Vec<ScenarioError>) -> TaskList {
        TaskList {
            scenarios,
            errors,
            ..TaskList::default()
        }
    }

    /// Indexes of the scenarios that match the filter, in list order.
    pub fn visible(&self) -> Vec<usize> {
        let words: Vec<String> = self
            .filter
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.scenarios
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let s = &l.scenario;
                let hay = format!(
                    "{} {} {} {} {}",
                    s.id,
                    s.title,
                    s.domain.title(),
                    s.domain.id(),
                    s.tags.join(" ")
                )
                .to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The selected scenario, if the filter lets any through.
    pub fn current(&self) -> Option<&Loaded> {
        let i = *self.visible().get(self.selected)?;
        self.scenarios.get(i)
    }

    /// Moves the selection by `delta` rows, staying in the list.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.visible().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn first(&mut self) {
        self.selected = 0;
    }

    pub fn last(&mut self) {
        self.selected = self.visible().len().saturating_sub(1);
    }

    pub fn filter_push(&mut self, c: char) {
        self.filter.push(c);
        self.selected = 0;
    }

    pub fn filter_pop(&mut self) {
        self.filter.pop();
        self.selected = 0;
    }

    /// Remembers a grade, keeping the best one of each task.
    pub fn record(&mut self, id: &str, earned: u32, possible: u32) {
        let best = self
            .best
            .entry(id.to_string())
            .or_insert((earned, possible));
        if earned >= best.0 {
            *best = (earned, possible);
        }
    }

    /// Esc: stops filtering and shows everything again.
    pub fn clear_filter(&mut self) {
        self.filter.clear();
        self.filtering = false;
        self.selected = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::parse;

    fn loaded(id: &str, title: &str, domain: &str) -> Loaded {
        let text = format!(
            "id = \"{id}\"\ntitle = \"{title}\"\nexam = \"cka\"\ndomain = \"{domain}\"\npoints = 1\nminutes = 1\ntask = \"t\"\n[solution]\ncommands = []\nexplanation = \"e\"\n[[assert]]\ncheck = \"exists\"\nresource = \"pod\"\nname = \"x\"\nfeedback = \"f\"\n"
        );
        Loaded {
            path: format!("{id}.toml").into(),
            scenario: parse("t.toml", &text).expect("the fixture parses"),
            source: text,
        }
    }

    #[test]
    fn the_filter_matches_every_word_in_id_title_or_domain() {
        let mut list = TaskList::new(
            vec![
                loaded(
                    "pod-with-label",
                    "Run a pod with a label",
                    "workloads-scheduling",
                ),
                loaded("expose-pod", "Expose a pod", "services-networking"),
                loaded("pvc", "Claim storage", "storage"),
            ],
            Vec::new(),
        );
        assert_eq!(list.visible(), [0, 1, 2]);
        for c in "POD net".chars() {
            list.filter_push(c);
        }
        assert_eq!(list.visible(), [1]);
        assert_eq!(
            list.current().map(|l| l.scenario.id.as_str()),
            Some("expose-pod")
        );
        list.move_by(5);
        assert_eq!(list.selected, 0);
        list.clear_filter();
        list.last();
        assert_eq!(list.current().map(|l| l.scenario.id.as_str()), Some("pvc"));
        for c in "zzz".chars() {
            list.filter_push(c);
        }
        assert!(list.current().is_none());
    }

    #[test]
    fn the_best_grade_is_kept() {
        let mut list = TaskList::default();
        list.record("a", 2, 4);
        list.record("a", 1, 4);
        assert_eq!(list.best.get("a"), Some(&(2, 4)));
        list.record("a", 4, 4);
        assert_eq!(list.best.get("a"), Some(&(4, 4)));
    }
}
