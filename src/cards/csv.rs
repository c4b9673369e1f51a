//! Anki-compatible CSV: export cards as `front,back,tags` with Anki's file headers, and import such a
//! file back as a deck.
//!
//! Anki (2.1.55+) reads the `#separator`, `#html`, `#columns` and `#tags column` headers, so the file
//! imports without touching the dialog. Tags are space-separated: `kubedojo deck::<id>
//! domain::<domain> kind::<kind> topic::<Topic_With_Underscores>`.

use super::model::{Card, CardKind, Deck};
use crate::scenario::Domain;
use std::fmt;

/// A CSV file that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// 1-based line where the bad record starts.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CsvError {}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field.starts_with('#') {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

fn tag_word(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join("_")
}

/// The tags kubedojo gives a card in Anki.
pub fn card_tags(card: &Card) -> String {
    format!(
        "kubedojo deck::{} domain::{} kind::{} topic::{}",
        tag_word(&card.deck),
        card.domain.id(),
        card.kind.id(),
        tag_word(&card.topic)
    )
}

/// Writes cards as an Anki-importable CSV (front, back, tags), with a header block Anki understands.
pub fn export_csv<'a>(cards: impl IntoIterator<Item = &'a Card>) -> String {
    let mut out =
        String::from("#separator:Comma\n#html:false\n#columns:Front,Back,Tags\n#tags column:3\n");
    for card in cards {
        out.push_str(&quote(&card.front));
        out.push(',');
        out.push_str(&quote(&card.reveal_text()));
        out.push(',');
        out.push_str(&quote(&card_tags(card)));
        out.push('\n');
    }
    out
}

/// Parses CSV records (RFC 4180 quoting), skipping `#` header lines before the first record.
/// Returns each record with the line it starts on.
fn parse_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, CsvError> {
    let mut records = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let mut in_header = true;
    while chars.peek().is_some() {
        if in_header && chars.peek() == Some(&'#') {
            for c in chars.by_ref() {
                if c == '\n' {
                    break;
                }
            }
            line += 1;
            continue;
        }
        in_header = false;
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut at_field_start = true;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err(CsvError {
                        line: start,
                        message: "a quoted field is never closed".into(),
                    });
                }
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        field.push('\n');
                    }
                    c => field.push(c),
                }
                continue;
            }
            match c {
                '"' if at_field_start => {
                    quoted = true;
                    at_field_start = false;
                }
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    at_field_start = true;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    break;
                }
                c => {
                    field.push(c);
                    at_field_start = false;
                }
            }
        }
        fields.push(field);
        if !(fields.len() == 1 && fields[0].trim().is_empty()) {
            records.push((start, fields));
        }
    }
    Ok(records)
}

/// Imports an Anki-style CSV (front, back, optional tags) as a deck. Ids are `<deck_id>-<n>`.
/// Tags written by [`export_csv`] restore domain, kind and topic; otherwise `default_domain`, `qa`
/// and topic `imported` are used.
pub fn import_csv(
    text: &str,
    deck_id: &str,
    title: &str,
    default_domain: Domain,
) -> Result<Deck, CsvError> {
    let mut cards = Vec::new();
    for (n, (line, fields)) in parse_records(text)?.into_iter().enumerate() {
        if fields.len() < 2 {
            return Err(CsvError {
                line,
                message: format!(
                    "expected front,back[,tags] but found {} field",
                    fields.len()
                ),
            });
        }
        let front = fields[0].trim().to_string();
        let back_text = fields[1].trim().to_string();
        if front.is_empty() || back_text.is_empty() {
            return Err(CsvError {
                line,
                message: "front and back must not be empty".into(),
            });
        }
        let mut domain = default_domain;
        let mut kind = CardKind::Qa;
        let mut topic = "imported".to_string();
        for tag in fields
            .get(2)
            .map(String::as_str)
            .unwrap_or("")
            .split_whitespace()
        {
            if let Some(d) = tag.strip_prefix("domain::") {
                if let Some(found) = Domain::ALL.iter().find(|x| x.id() == d) {
                    domain = *found;
                }
            } else if let Some(k) = tag.strip_prefix("kind::") {
                kind = match k {
                    "command" => CardKind::Command,
                    "yaml" => CardKind::Yaml,
                    _ => CardKind::Qa,
                };
            } else if let Some(t) = tag.strip_prefix("topic::") {
                topic = t.replace('_', " ");
            }
        }
        let (answer, back) = if kind == CardKind::Command {
            match back_text.split_once("\n\n") {
                Some((cmd, rest)) => (Some(cmd.trim().to_string()), rest.trim().to_string()),
                None => (Some(back_text.clone()), String::new()),
            }
        } else {
            (None, back_text)
        };
        cards.push(Card {
            id: format!("{deck_id}-{}", n + 1),
            deck: deck_id.to_string(),
            kind,
            front,
            back,
            answer,
            accept: Vec::new(),
            topic,
            domain,
            source: "imported from CSV".to_string(),
        });
    }
    Ok(Deck {
        id: deck_id.to_string(),
        title: title.to_string(),
        description: String::new(),
        path: None,
        cards,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(kind: CardKind, front: &str, back: &str, answer: Option<&str>) -> Card {
        Card {
            id: "x-1".into(),
            deck: "x".into(),
            kind,
            front: front.into(),
            back: back.into(),
            answer: answer.map(String::from),
            accept: vec![],
            topic: "Services and DNS".into(),
            domain: Domain::CkadServicesNetworking,
            source: "k8s docs".into(),
        }
    }

    #[test]
    fn export_quotes_commas_quotes_and_newlines() {
        let c = card(
            CardKind::Qa,
            "port, or \"targetPort\"?",
            "line 1\nline 2",
            None,
        );
        let csv = export_csv([&c]);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("#separator:Comma"));
        assert!(csv.contains("\"port, or \"\"targetPort\"\"?\",\"line 1\nline 2\","));
        assert!(csv.contains(
            "kubedojo deck::x domain::ckad-services-networking kind::qa topic::Services_and_DNS"
        ));
    }

    #[test]
    fn round_trip_keeps_front_back_domain_kind_and_topic() {
        let cards = [
            card(CardKind::Qa, "a, b", "c \"d\"\ne", None),
            card(
                CardKind::Command,
                "list pods",
                "All namespaces.",
                Some("kubectl get po -A"),
            ),
        ];
        let deck =
            import_csv(&export_csv(&cards), "imp", "Imported", Domain::Storage).expect("import");
        assert_eq!(deck.cards.len(), 2);
        assert_eq!(deck.cards[0].front, "a, b");
        assert_eq!(deck.cards[0].back, "c \"d\"\ne");
        assert_eq!(deck.cards[0].domain, Domain::CkadServicesNetworking);
        assert_eq!(deck.cards[0].topic, "Services and DNS");
        assert_eq!(deck.cards[1].kind, CardKind::Command);
        assert_eq!(deck.cards[1].answer.as_deref(), Some("kubectl get po -A"));
        assert_eq!(deck.cards[1].back, "All namespaces.");
        assert_eq!(deck.cards[1].id, "imp-2");
    }

    #[test]
    fn plain_anki_csv_and_errors() {
        let deck = import_csv("q1,a1\r\nq2,a2,mytag\n", "p", "P", Domain::Storage).expect("ok");
        assert_eq!(deck.cards.len(), 2);
        assert_eq!(deck.cards[1].back, "a2");
        assert_eq!(deck.cards[1].domain, Domain::Storage);
        let err = import_csv("q1,a1\nonly-one-field\n", "p", "P", Domain::Storage)
            .expect_err("short row");
        assert_eq!(err.line, 2);
        let err =
            import_csv("q1,\"never closed\n", "p", "P", Domain::Storage).expect_err("open quote");
        assert!(err.to_string().contains("never closed"), "{err}");
    }
}
