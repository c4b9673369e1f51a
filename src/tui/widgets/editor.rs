//! The line editor of the terminal pane (readline's everyday keys) and its command history.

/// One edit of the input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    WordLeft,
    WordRight,
    Home,
    End,
    /// Ctrl-U: delete from the start of the line to the cursor.
    KillToStart,
    /// Ctrl-K: delete from the cursor to the end of the line.
    KillToEnd,
    /// Ctrl-W: delete the whitespace-separated word before the cursor.
    KillWordBack,
}

/// A single input line with a cursor, counted in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
    cursor: usize,
}

impl LineEditor {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor position in characters from the start of the line.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the text and puts the cursor at its end.
    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = self.len();
    }

    /// Empties the line and returns what it held.
    pub fn take(&mut self) -> String {
        self.cursor = 0;
        std::mem::take(&mut self.text)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// The byte offset of a character index (the end of the text when past it).
    fn byte(&self, char_index: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_index)
            .map(|(b, _)| b)
            .unwrap_or(self.text.len())
    }

    fn remove_range(&mut self, from: usize, to: usize) {
        let (a, b) = (self.byte(from), self.byte(to));
        if a < b {
            self.text.replace_range(a..b, "");
        }
        self.cursor = from;
    }

    fn chars(&self) -> Vec<char> {
        self.text.chars().collect()
    }

    /// Start of the word before the cursor (skipping whitespace first), as readline's `backward-word`.
    fn word_start_before(&self, pred: impl Fn(char) -> bool) -> usize {
        let chars = self.chars();
        let mut i = self.cursor.min(chars.len());
        while i > 0 && !pred(chars[i - 1]) {
            i -= 1;
        }
        while i > 0 && pred(chars[i - 1]) {
            i -= 1;
        }
        i
    }

    pub fn apply(&mut self, edit: &Edit) {
        let len = self.len();
        self.cursor = self.cursor.min(len);
        match edit {
            Edit::Insert(c) => {
                let at = self.byte(self.cursor);
                self.text.insert(at, *c);
                self.cursor += 1;
            }
            Edit::Backspace => {
                if self.cursor > 0 {
                    self.remove_range(self.cursor - 1, self.cursor);
                }
            }
            Edit::Delete => {
                if self.cursor < len {
                    let c = self.cursor;
                    self.remove_range(c, c + 1);
                }
            }
            Edit::Left => self.cursor = self.cursor.saturating_sub(1),
            Edit::Right => self.cursor = (self.cursor + 1).min(len),
            Edit::WordLeft => self.cursor = self.word_start_before(char::is_alphanumeric),
            Edit::WordRight => {
                let chars = self.chars();
                let mut i = self.cursor;
                while i < chars.len() && !chars[i].is_alphanumeric() {
                    i += 1;
                }
                while i < chars.len() && chars[i].is_alphanumeric() {
                    i += 1;
                }
                self.cursor = i;
            }
            Edit::Home => self.cursor = 0,
            Edit::End => self.cursor = len,
            Edit::KillToStart => self.remove_range(0, self.cursor),
            Edit::KillToEnd => {
                let c = self.cursor;
                self.remove_range(c, len);
            }
            Edit::KillWordBack => {
                let start = self.word_start_before(|c| !c.is_whitespace());
                let c = self.cursor;
                self.remove_range(start, c);
            }
        }
    }
}

/// Command history with Up/Down browsing; the line being typed is kept while browsing.
#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<String>,
    /// Index into `entries` while browsing.
    at: Option<usize>,
    draft: String,
}

impl History {
    /// Records a command; blank lines and immediate repeats are not recorded (bash's `ignoreboth`).
    pub fn push(&mut self, entry: &str) {
        self.at = None;
        if entry.trim().is_empty() || self.entries.last().is_some_and(|l| l == entry) {
            return;
        }
        self.entries.push(entry.to_string());
    }

    pub fn entries(&self) -> &[String] {
        &self.entries
    }

    /// The older entry, given what is being typed now; `None` when there is none.
    pub fn older(&mut self, current: &str) -> Option<&str> {
        let i = match self.at {
            None => {
                self.draft = current.to_string();
                self.entries.len().checked_sub(1)?
            }
            Some(i) => i.checked_sub(1)?,
        };
        self.at = Some(i);
        self.entries.get(i).map(String::as_str)
    }

    /// The newer entry, or the draft when browsing past the newest; `None` when not browsing.
    pub fn newer(&mut self) -> Option<&str> {
        let i = self.at?;
        if i + 1 < self.entries.len() {
            self.at = Some(i + 1);
            self.entries.get(i + 1).map(String::as_str)
        } else {
            self.at = None;
            Some(&self.draft)
        }
    }

    /// The newest entry before index `before` that contains `query` (Ctrl-R's search).
    pub fn find(&self, query: &str, before: usize) -> Option<usize> {
        let end = before.min(self.entries.len());
        self.entries[..end].iter().rposition(|e| e.contains(query))
    }

    /// Stops browsing (the learner edited or ran the line).
    pub fn reset(&mut self) {
        self.at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(s: &str) -> LineEditor {
        let mut e = LineEditor::default();
        for c in s.chars() {
            e.apply(&Edit::Insert(c));
        }
        e
    }

    #[test]
    fn inserts_at_the_cursor() {
        let mut e = typed("kubectl get po");
        e.apply(&Edit::Home);
        for c in "k ".chars() {
            e.apply(&Edit::Insert(c));
        }
        assert_eq!(e.text(), "k kubectl get po");
        assert_eq!(e.cursor(), 2);
    }

    #[test]
    fn backspace_and_delete() {
        let mut e = typed("abc");
        e.apply(&Edit::Backspace);
        assert_eq!(e.text(), "ab");
        e.apply(&Edit::Home);
        e.apply(&Edit::Backspace);
        assert_eq!(e.text(), "ab");
        e.apply(&Edit::Delete);
        assert_eq!(e.text(), "b");
        e.apply(&Edit::End);
        e.apply(&Edit::Delete);
        assert_eq!(e.text(), "b");
    }

    #[test]
    fn moves_stay_inside_the_line() {
        let mut e = typed("ab");
        e.apply(&Edit::Right);
        assert_eq!(e.cursor(), 2);
        e.apply(&Edit::Left);
        e.apply(&Edit::Left);
        e.apply(&Edit::Left);
        assert_eq!(e.cursor(), 0);
        e.apply(&Edit::End);
        assert_eq!(e.cursor(), 2);
    }

    #[test]
    fn multibyte_characters_are_one_position() {
        let mut e = typed("é✔x");
        e.apply(&Edit::Left);
        e.apply(&Edit::Backspace);
        assert_eq!(e.text(), "éx");
        e.apply(&Edit::Insert('ü'));
        assert_eq!(e.text(), "éüx");
    }

    #[test]
    fn kill_to_start_and_end() {
        let mut e = typed("kubectl get pods");
        for _ in 0..4 {
            e.apply(&Edit::Left);
        }
        e.apply(&Edit::KillToEnd);
        assert_eq!(e.text(), "kubectl get ");
        e.apply(&Edit::Left);
        e.apply(&Edit::KillToStart);
        assert_eq!(e.text(), " ");
        assert_eq!(e.cursor(), 0);
    }

    #[test]
    fn ctrl_w_deletes_the_word_before_the_cursor() {
        let mut e = typed("kubectl get pods  ");
        e.apply(&Edit::KillWordBack);
        assert_eq!(e.text(), "kubectl get ");
        e.apply(&Edit::KillWordBack);
        assert_eq!(e.text(), "kubectl ");
        let mut e = typed("k get po --selector=app=web");
        e.apply(&Edit::KillWordBack);
        assert_eq!(e.text(), "k get po ");
        let mut e = typed("x");
        e.apply(&Edit::Home);
        e.apply(&Edit::KillWordBack);
        assert_eq!(e.text(), "x");
    }

    #[test]
    fn word_moves() {
        let mut e = typed("kubectl get pods");
        e.apply(&Edit::WordLeft);
        assert_eq!(e.cursor(), 12);
        e.apply(&Edit::WordLeft);
        assert_eq!(e.cursor(), 8);
        e.apply(&Edit::WordRight);
        assert_eq!(e.cursor(), 11);
    }

    #[test]
    fn take_empties_the_line() {
        let mut e = typed("ls");
        assert_eq!(e.take(), "ls");
        assert_eq!(e.text(), "");
        assert_eq!(e.cursor(), 0);
    }

    #[test]
    fn history_browses_and_restores_the_draft() {
        let mut h = History::default();
        assert_eq!(h.older("x"), None);
        h.push("one");
        h.push("two");
        h.push("two");
        h.push("  ");
        assert_eq!(h.entries(), ["one", "two"]);
        assert_eq!(h.older("draft"), Some("two"));
        assert_eq!(h.older("ignored"), Some("one"));
        assert_eq!(h.older("ignored"), None);
        assert_eq!(h.newer(), Some("two"));
        assert_eq!(h.newer(), Some("draft"));
        assert_eq!(h.newer(), None);
    }

    #[test]
    fn find_searches_backwards() {
        let mut h = History::default();
        for e in ["kubectl get po", "ls", "kubectl get svc"] {
            h.push(e);
        }
        assert_eq!(h.find("get", 3), Some(2));
        assert_eq!(h.find("get", 2), Some(0));
        assert_eq!(h.find("get", 0), None);
        assert_eq!(h.find("nope", 3), None);
        assert_eq!(h.find("", 99), Some(2));
    }
}
