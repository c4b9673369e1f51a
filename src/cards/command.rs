//! Checking a typed command against a command card.
//!
//! The integrator can check by running the command in a scratch World (implement [`CommandChecker`]);
//! until then [`TextChecker`] compares normalised text: `k` is `kubectl`, `--flag value` is
//! `--flag=value`, short flags are their long names, resource types are their canonical singular
//! (`po`, `pods` → `pod`; `deploy/web` → `deployment web`), and flag order does not matter.

use super::fsrs::Rating;
use super::model::{Card, CardKind};
pub use super::normalize::normalize_command;
use std::collections::BTreeMap;

/// The result of checking a typed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandVerdict {
    Correct,
    Incorrect {
        /// The canonical answer, to show the learner.
        expected: String,
        /// Normalised words of the closest right answer that the typed command lacks.
        missing: Vec<String>,
        /// Normalised words the typed command has that the closest right answer does not.
        unexpected: Vec<String>,
    },
    /// The card is not a command card.
    NotACommandCard,
}

impl CommandVerdict {
    pub fn is_correct(&self) -> bool {
        matches!(self, CommandVerdict::Correct)
    }

    /// The rating to pre-select after checking: Good when right, Again when wrong.
    pub fn suggested_rating(&self) -> Option<Rating> {
        match self {
            CommandVerdict::Correct => Some(Rating::Good),
            CommandVerdict::Incorrect { .. } => Some(Rating::Again),
            CommandVerdict::NotACommandCard => None,
        }
    }
}

/// Decides whether a typed command answers a command card.
pub trait CommandChecker {
    fn check_command(&self, card: &Card, typed: &str) -> CommandVerdict;
}

/// The fallback checker: compares normalised text (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct TextChecker;

impl CommandChecker for TextChecker {
    fn check_command(&self, card: &Card, typed: &str) -> CommandVerdict {
        check_command(card, typed)
    }
}

/// Checks `typed` against the card's `answer` and `accept` alternatives with [`TextChecker`]'s rules.
pub fn check_command(card: &Card, typed: &str) -> CommandVerdict {
    let Some(answer) = card.answer.as_deref() else {
        return CommandVerdict::NotACommandCard;
    };
    if card.kind != CardKind::Command {
        return CommandVerdict::NotACommandCard;
    }
    let got = normalize_command(typed);
    let mut best: Option<(usize, Vec<String>, Vec<String>)> = None;
    for right in std::iter::once(answer).chain(card.accept.iter().map(String::as_str)) {
        let want = normalize_command(right);
        if !got.is_empty() && got == want {
            return CommandVerdict::Correct;
        }
        let (missing, unexpected) = word_diff(&want, &got);
        let score = missing.len() + unexpected.len();
        if best.as_ref().is_none_or(|(s, _, _)| score < *s) {
            best = Some((score, missing, unexpected));
        }
    }
    let (_, missing, unexpected) = best.unwrap_or_default();
    CommandVerdict::Incorrect {
        expected: answer.to_string(),
        missing,
        unexpected,
    }
}

fn word_diff(want: &str, got: &str) -> (Vec<String>, Vec<String>) {
    let mut counts: BTreeMap<&str, i32> = BTreeMap::new();
    for w in want.split(' ').filter(|w| !w.is_empty()) {
        *counts.entry(w).or_default() += 1;
    }
    for w in got.split(' ').filter(|w| !w.is_empty()) {
        *counts.entry(w).or_default() -= 1;
    }
    let mut missing = Vec::new();
    let mut unexpected = Vec::new();
    for (w, n) in counts {
        for _ in 0..n.max(0) {
            missing.push(w.to_string());
        }
        for _ in 0..(-n).max(0) {
            unexpected.push(w.to_string());
        }
    }
    (missing, unexpected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Domain;

    fn card(answer: &str, accept: &[&str]) -> Card {
        Card {
            id: "c".into(),
            deck: "d".into(),
            kind: CardKind::Command,
            front: "do it".into(),
            back: String::new(),
            answer: Some(answer.into()),
            accept: accept.iter().map(|s| s.to_string()).collect(),
            topic: "t".into(),
            domain: Domain::WorkloadsScheduling,
            source: "k8s docs".into(),
        }
    }

    #[test]
    fn alias_flag_style_and_order_do_not_matter() {
        let c = card("kubectl run x --image=nginx", &[]);
        assert!(check_command(&c, "k run x --image nginx").is_correct());
        assert!(check_command(&c, "kubectl run --image nginx x").is_correct());
        let c = card(
            "kubectl run nginx --image=nginx --dry-run=client -o yaml > pod.yaml",
            &[],
        );
        assert!(check_command(
            &c,
            "k run nginx -o yaml --dry-run=client --image nginx > pod.yaml"
        )
        .is_correct());
    }

    #[test]
    fn near_misses_do_not_match() {
        let c = card("kubectl run x --image=nginx", &[]);
        let v = check_command(&c, "kubectl run x --image=nginx:1.27");
        assert_eq!(
            v,
            CommandVerdict::Incorrect {
                expected: "kubectl run x --image=nginx".into(),
                missing: vec!["--image=nginx".into()],
                unexpected: vec!["--image=nginx:1.27".into()],
            }
        );
        assert!(!check_command(&c, "kubectl run y --image=nginx").is_correct());
        assert!(!check_command(&c, "kubectl create x --image=nginx").is_correct());
        assert!(!check_command(&c, "").is_correct());
        let c = card(
            "kubectl run nginx --image=nginx --dry-run=client -o yaml",
            &[],
        );
        assert!(
            !check_command(&c, "kubectl run nginx --image=nginx --dry-run -o yaml").is_correct()
        );
    }

    #[test]
    fn short_flags_resource_aliases_and_type_slash_name() {
        let c = card("kubectl get pods -n kube-system -o wide", &[]);
        assert!(check_command(&c, "k get po --namespace=kube-system --output wide").is_correct());
        let c = card("kubectl rollout undo deployment/web --to-revision=2", &[]);
        assert!(check_command(&c, "k rollout undo deploy web --to-revision 2").is_correct());
        let c = card("kubectl exec -it web -- sh", &[]);
        assert!(check_command(&c, "kubectl exec -i -t web -- sh").is_correct());
        assert!(!check_command(&c, "kubectl exec -it web -- bash").is_correct());
        let c = card("kubectl logs web -p", &["kubectl logs web --previous"]);
        assert!(check_command(&c, "k logs --previous web").is_correct());
        let c = card(
            "kubectl create deployment web --image=nginx --replicas=3",
            &[],
        );
        assert!(check_command(&c, "k create deploy web --replicas 3 --image=nginx").is_correct());
    }

    #[test]
    fn accept_list_pipelines_and_other_tools() {
        let c = card(
            "kubectl describe node node01 | grep Taint",
            &["kubectl describe node node01 | grep -i taint"],
        );
        assert!(check_command(&c, "k describe no node01 | grep -i taint").is_correct());
        let c = card("openssl x509 -in ca.crt -text -noout", &[]);
        assert!(check_command(&c, "openssl x509 -noout -text -in ca.crt").is_correct());
        assert!(!check_command(&c, "openssl x509 -in ca.key -text -noout").is_correct());
        let c = card("echo -n 'mysql' | base64", &[]);
        assert!(check_command(&c, "echo -n mysql | base64").is_correct());
    }

    #[test]
    fn quotes_and_odd_input_never_panic() {
        for s in [
            "'", "\"", "\\", "k -", "k --", "k -=", "| | >", "k get -o", "-- --",
        ] {
            let _ = normalize_command(s);
        }
        assert_eq!(
            normalize_command("k get po -l 'app=web' -A"),
            "kubectl get pod --all-namespaces --selector=app=web"
        );
    }

    #[test]
    fn non_command_cards_are_not_checked() {
        let mut c = card("kubectl get po", &[]);
        c.kind = CardKind::Qa;
        assert_eq!(check_command(&c, "x"), CommandVerdict::NotACommandCard);
    }
}

#[cfg(test)]
mod shipped_card_tests {
    use super::*;
    use crate::cards::load::load_dir;
    use std::path::Path;

    fn card(id: &str) -> Card {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/decks");
        load_dir(&dir)
            .map_err(|e| e.to_string())
            .expect("decks load")
            .into_iter()
            .flat_map(|d| d.cards)
            .find(|c| c.id == id)
            .expect("card exists")
    }

    #[test]
    fn learners_shorthand_matches_shipped_answers() {
        let cases = [
            (
                "cmd-create-cronjob",
                "k create cj report --schedule '*/5 * * * *' --image busybox -- date",
                true,
            ),
            (
                "cmd-create-cronjob",
                "k create cj report --schedule '*/5 * * * *' --image busybox -- date -u",
                false,
            ),
            (
                "cmd-run-tmp",
                "k run tmp --image busybox:1.28 --restart Never --rm -it -- wget -qO- http://web",
                true,
            ),
            (
                "cmd-rollout-undo",
                "k rollout undo deploy web --to-revision 2",
                true,
            ),
            ("cmd-rollout-undo", "k rollout undo deploy web", false),
            (
                "cmd-expose-pod",
                "k expose po messaging --name messaging-service --port 6379",
                true,
            ),
            ("cmd-logs-previous", "k logs -p web", true),
            (
                "cmd-top-pods",
                "k top po --sort-by cpu --all-namespaces",
                true,
            ),
            ("cmd-drain", "k drain node01 --ignore-daemonsets", false),
            ("cmd-scale", "k edit deploy web --replicas=5", false),
        ];
        for (id, typed, ok) in cases {
            assert_eq!(
                check_command(&card(id), typed).is_correct(),
                ok,
                "{id}: {typed}"
            );
        }
    }
}
