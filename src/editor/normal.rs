//! Normal mode: counts, motions, operators (`dd`, `yy`, `dw`, `cw`), puts, undo, and the keys that
//! enter the other modes.

use super::{Exit, Key, Mode, Vim};

/// The most a count may be, so `99999999dd` cannot loop for long.
const MAX_COUNT: usize = 100_000;

/// Character classes for `w`, `b`, `e`: blanks, word characters, punctuation.
fn class(c: char) -> u8 {
    if c.is_whitespace() {
        0
    } else if c.is_alphanumeric() || c == '_' {
        1
    } else {
        2
    }
}

impl Vim {
    pub(super) fn normal_key(&mut self, key: Key) -> Option<Exit> {
        let c = match key {
            Key::Char(c) => c,
            Key::Esc => {
                self.pending.clear();
                return None;
            }
            other => {
                let count = self.take_count();
                match other {
                    Key::Ctrl('r') => self.redo(count),
                    Key::Ctrl('g') => self.file_info(),
                    Key::Ctrl('d') => self.vertical((self.height / 2).max(1) as isize),
                    Key::Ctrl('u') => self.vertical(-((self.height / 2).max(1) as isize)),
                    Key::Ctrl('f') => self.motion_key(Key::PageDown),
                    Key::Ctrl('b') => self.motion_key(Key::PageUp),
                    Key::Enter => {
                        self.vertical(count as isize);
                        self.first_non_blank();
                    }
                    Key::Backspace => self.col = self.col.saturating_sub(count),
                    Key::Delete => self.delete_chars(count),
                    Key::End => {
                        self.col = usize::MAX;
                        self.want_col = usize::MAX;
                        return None;
                    }
                    other => self.motion_key(other),
                }
                return None;
            }
        };
        self.pending.push(c);
        let digits = self
            .pending
            .char_indices()
            .find(|&(i, ch)| !(ch.is_ascii_digit() && (i > 0 || ch != '0')))
            .map_or(self.pending.len(), |(i, _)| i);
        let given: Option<usize> = self
            .pending
            .get(..digits)
            .filter(|d| !d.is_empty())
            .and_then(|d| d.parse().ok())
            .map(|n: usize| n.min(MAX_COUNT));
        let n = given.unwrap_or(1);
        let cmd = self.pending.get(digits..).unwrap_or_default().to_string();
        match cmd.as_str() {
            "" | "d" | "y" | "c" | "g" | "Z" | "r" => return None,
            _ => {}
        }
        self.pending.clear();
        let mut chars = cmd.chars();
        let first = chars.next().unwrap_or(' ');
        match cmd.as_str() {
            "h" => self.col = self.col.saturating_sub(n),
            "l" | " " => self.col += n,
            "j" => self.vertical(n as isize),
            "k" => self.vertical(-(n as isize)),
            "0" => self.col = 0,
            "^" => self.first_non_blank(),
            "$" => {
                if n > 1 {
                    self.vertical(n as isize - 1);
                }
                self.col = usize::MAX;
                self.want_col = usize::MAX;
                return None;
            }
            "w" => (0..n).for_each(|_| {
                self.word_forward();
            }),
            "b" => (0..n).for_each(|_| self.word_back()),
            "e" => (0..n).for_each(|_| self.word_end()),
            "gg" => {
                self.row = given.unwrap_or(1).saturating_sub(1);
                self.first_non_blank();
            }
            "G" => {
                self.row = given.map_or(self.lines.len(), |g| g).saturating_sub(1);
                self.first_non_blank();
            }
            "i" => self.mode = Mode::Insert,
            "a" => {
                self.mode = Mode::Insert;
                self.col = (self.col + 1).min(self.line_len(self.row));
            }
            "A" => {
                self.mode = Mode::Insert;
                self.col = self.line_len(self.row);
            }
            "I" => {
                self.mode = Mode::Insert;
                self.first_non_blank();
            }
            "o" | "O" => {
                self.checkpoint();
                let at = if cmd == "o" { self.row + 1 } else { self.row };
                self.lines.insert(at.min(self.lines.len()), String::new());
                self.row = at;
                self.col = 0;
                self.mode = Mode::Insert;
                return None;
            }
            "x" => self.delete_chars(n),
            "X" => {
                let start = self.col.saturating_sub(n);
                if start < self.col {
                    self.checkpoint();
                    let kept = self.cut_chars(start, self.col);
                    self.register = Some((kept, false));
                    self.col = start;
                }
            }
            "dd" => self.delete_lines(n),
            "cc" | "S" => {
                self.checkpoint();
                let last = (self.row + n).min(self.lines.len());
                let removed: Vec<String> = self.lines.drain(self.row..last).collect();
                self.register = Some((join_lines(&removed), true));
                self.lines
                    .insert(self.row.min(self.lines.len()), String::new());
                self.col = 0;
                self.mode = Mode::Insert;
                return None;
            }
            "yy" | "Y" => {
                let last = (self.row + n).min(self.lines.len());
                let yanked = self.lines.get(self.row..last).unwrap_or_default();
                let count = yanked.len();
                self.register = Some((join_lines(yanked), true));
                if count > 2 {
                    self.set_message(&format!("{count} lines yanked"));
                }
            }
            "dw" | "cw" | "de" | "ce" => {
                let (row, col) = (self.row, self.col);
                let mut at_end = false;
                for _ in 0..n {
                    if cmd.ends_with('e') || cmd == "cw" {
                        self.word_end();
                        self.col += 1;
                    } else if !self.word_forward() {
                        at_end = true;
                    }
                }
                // A word operator stops at the end of its line.
                let end = if self.row != row || at_end {
                    self.line_len(row)
                } else {
                    self.col
                };
                self.row = row;
                self.col = col;
                if end > col {
                    self.checkpoint();
                    let cut = self.cut_chars(col, end);
                    self.register = Some((cut, false));
                }
                if first == 'c' {
                    self.mode = Mode::Insert;
                    return None;
                }
            }
            "D" | "C" | "d$" | "c$" => {
                let len = self.line_len(self.row);
                if self.col < len {
                    self.checkpoint();
                    let cut = self.cut_chars(self.col, len);
                    self.register = Some((cut, false));
                }
                if first == 'C' || first == 'c' {
                    self.mode = Mode::Insert;
                    return None;
                }
            }
            "p" | "P" => self.put(cmd == "p", n),
            "J" if self.row + 1 < self.lines.len() => {
                self.checkpoint();
                for _ in 0..n.max(2) - 1 {
                    if self.row + 1 >= self.lines.len() {
                        break;
                    }
                    let next = self.lines.remove(self.row + 1);
                    let next = next.trim_start();
                    let line = self.lines.get_mut(self.row);
                    if let Some(line) = line {
                        let trimmed = line.trim_end().len();
                        line.truncate(trimmed);
                        self.col = line.chars().count();
                        if !next.is_empty() {
                            line.push(' ');
                            line.push_str(next);
                        }
                    }
                }
            }
            "u" => self.undo(n),
            "n" | "N" => match self.last_search.clone() {
                Some((p, fwd)) => {
                    let fwd = if cmd == "n" { fwd } else { !fwd };
                    for _ in 0..n {
                        self.find(&p, fwd);
                    }
                }
                None => self.set_error("E35: No previous regular expression"),
            },
            "*" | "#" | "g*" | "g#" => {
                self.star(cmd.ends_with('*'), !cmd.starts_with('g'), n);
            }
            "/" | "?" => {
                self.mode = Mode::Search {
                    pattern: String::new(),
                    forward: cmd == "/",
                };
                return None;
            }
            ":" => {
                self.mode = Mode::Command(String::new());
                return None;
            }
            "ZZ" => return self.ex("x"),
            "ZQ" => return self.ex("q!"),
            "~" => {
                self.checkpoint();
                for _ in 0..n {
                    let at = self.byte_at(self.row, self.col);
                    let Some(line) = self.lines.get_mut(self.row) else {
                        break;
                    };
                    let Some(ch) = line.get(at..).and_then(|s| s.chars().next()) else {
                        break;
                    };
                    let swapped: String = if ch.is_uppercase() {
                        ch.to_lowercase().collect()
                    } else {
                        ch.to_uppercase().collect()
                    };
                    line.replace_range(at..at + ch.len_utf8(), &swapped);
                    self.col += 1;
                }
            }
            _ if first == 'r' && cmd.chars().count() == 2 => {
                let with = chars.next().unwrap_or(' ');
                if self.col + n <= self.line_len(self.row) {
                    self.checkpoint();
                    for i in 0..n {
                        let at = self.byte_at(self.row, self.col + i);
                        if let Some(line) = self.lines.get_mut(self.row) {
                            if let Some(ch) = line.get(at..).and_then(|s| s.chars().next()) {
                                line.replace_range(at..at + ch.len_utf8(), &with.to_string());
                            }
                        }
                    }
                    self.col += n - 1;
                }
            }
            // Anything else is not a command vim knows here: it just beeps.
            _ => {}
        }
        if !matches!(cmd.as_str(), "j" | "k") {
            self.clamp();
            self.want_col = self.col;
        }
        // Entering insert mode starts one undo step for everything typed in it.
        if self.mode == Mode::Insert {
            self.checkpoint();
        }
        None
    }

    /// `*` and `#` (`whole`: as `\<word\>`) and `g*`, `g#`: searches for the keyword under or
    /// after the cursor, or failing one the non-blank text there.
    fn star(&mut self, forward: bool, whole: bool, n: usize) {
        let chars: Vec<char> = self.line(self.row).chars().collect();
        let is_key = |c: &char| c.is_alphanumeric() || *c == '_';
        let from = self.col.min(chars.len());
        let found = chars
            .get(from..)
            .unwrap_or_default()
            .iter()
            .position(is_key)
            .map(|p| (p + from, true))
            .or_else(|| {
                chars
                    .get(from..)
                    .unwrap_or_default()
                    .iter()
                    .position(|c| !c.is_whitespace())
                    .map(|p| (p + from, false))
            });
        let Some((mut start, keyword)) = found else {
            self.set_error("E348: No string under cursor");
            return;
        };
        let belongs = |c: &char| {
            if keyword {
                is_key(c)
            } else {
                !c.is_whitespace() && !is_key(c)
            }
        };
        while start > 0 && chars.get(start - 1).is_some_and(belongs) {
            start -= 1;
        }
        let mut end = start;
        while chars.get(end).is_some_and(belongs) {
            end += 1;
        }
        let text: String = chars.get(start..end).unwrap_or_default().iter().collect();
        let text = super::pattern::escape(&text);
        let pattern = if whole && keyword {
            format!("\\<{text}\\>")
        } else {
            text
        };
        self.col = start;
        self.last_search = Some((pattern.clone(), forward));
        self.star_search = true;
        for _ in 0..n {
            self.find(&pattern, forward);
        }
    }

    /// The count typed before a special key, consumed.
    fn take_count(&mut self) -> usize {
        let n = self
            .pending
            .parse::<usize>()
            .unwrap_or(1)
            .clamp(1, MAX_COUNT);
        self.pending.clear();
        n
    }

    fn file_info(&mut self) {
        let modified = if self.modified() { " [Modified]" } else { "" };
        let total = self.lines.len();
        let pct = (self.row + 1) * 100 / total.max(1);
        self.set_message(&format!(
            "\"{}\"{modified} {total} line{} --{pct}%--",
            self.name,
            if total == 1 { "" } else { "s" }
        ));
    }

    pub(super) fn first_non_blank(&mut self) {
        self.clamp();
        self.col = self
            .line(self.row)
            .chars()
            .position(|c| !c.is_whitespace())
            .unwrap_or(0);
        self.want_col = self.col;
    }

    /// Removes characters `from..to` of the cursor line and returns them.
    fn cut_chars(&mut self, from: usize, to: usize) -> String {
        let (a, b) = (self.byte_at(self.row, from), self.byte_at(self.row, to));
        match self.lines.get_mut(self.row) {
            Some(line) if a < b => line.drain(a..b).collect(),
            _ => String::new(),
        }
    }

    fn delete_chars(&mut self, n: usize) {
        let len = self.line_len(self.row);
        if len == 0 {
            return;
        }
        self.checkpoint();
        let end = (self.col + n).min(len);
        let cut = self.cut_chars(self.col, end);
        self.register = Some((cut, false));
    }

    fn delete_lines(&mut self, n: usize) {
        self.checkpoint();
        let last = (self.row + n).min(self.lines.len());
        let removed: Vec<String> = self.lines.drain(self.row..last).collect();
        let count = removed.len();
        self.register = Some((join_lines(&removed), true));
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        if count > 2 {
            self.set_message(&format!("{count} fewer lines"));
        }
        self.clamp();
        self.first_non_blank();
    }

    /// `p` (after) or `P` (before): whole lines go below or above, text after or at the cursor.
    fn put(&mut self, after: bool, n: usize) {
        let Some((text, linewise)) = self.register.clone() else {
            self.set_error("E353: Nothing in register \"");
            return;
        };
        self.checkpoint();
        if linewise {
            let one: Vec<String> = text.split('\n').map(String::from).collect();
            let mut block = Vec::new();
            for _ in 0..n {
                block.extend(one.iter().cloned());
            }
            let count = block.len();
            let at = if after { self.row + 1 } else { self.row };
            let at = at.min(self.lines.len());
            self.lines.splice(at..at, block);
            self.row = at;
            self.first_non_blank();
            if count > 2 {
                self.set_message(&format!("{count} more lines"));
            }
        } else {
            let chunk = text.repeat(n);
            let col = if after && self.line_len(self.row) > 0 {
                self.col + 1
            } else {
                self.col
            };
            let at = self.byte_at(self.row, col);
            // Text with newlines (not produced by these commands) goes in as typed.
            if let Some(line) = self.lines.get_mut(self.row) {
                line.insert_str(at, &chunk);
            }
            self.col = col + chunk.chars().count().saturating_sub(1);
        }
    }

    fn char_at(&self, row: usize, col: usize) -> Option<char> {
        self.line(row).chars().nth(col)
    }

    /// `w`: the start of the next word, across lines (an empty line counts as a word). `false`
    /// when there is none (the cursor stops on the last character).
    fn word_forward(&mut self) -> bool {
        let (mut row, mut col) = (self.row, self.col);
        let len = self.line_len(row);
        if let Some(k) = self.char_at(row, col).map(class).filter(|&k| k != 0) {
            while col < len && self.char_at(row, col).map(class) == Some(k) {
                col += 1;
            }
        }
        loop {
            if col >= self.line_len(row) {
                if row + 1 >= self.lines.len() {
                    self.row = row;
                    self.col = self.line_len(row).saturating_sub(1);
                    return false;
                }
                row += 1;
                col = 0;
                if self.line_len(row) == 0 {
                    break;
                }
                continue;
            }
            if self.char_at(row, col).map(class) != Some(0) {
                break;
            }
            col += 1;
        }
        self.row = row;
        self.col = col;
        true
    }

    /// `b`: the start of this or the previous word.
    fn word_back(&mut self) {
        let mut row = self.row;
        let mut col = self.col;
        // Step back over blanks (and line ends) first.
        loop {
            if col == 0 {
                if row == 0 {
                    self.row = 0;
                    self.col = 0;
                    return;
                }
                row -= 1;
                col = self.line_len(row);
                if col == 0 {
                    self.row = row;
                    self.col = 0;
                    return;
                }
            }
            col -= 1;
            if self.char_at(row, col).map(class) != Some(0) {
                break;
            }
        }
        let k = self.char_at(row, col).map(class);
        while col > 0 && self.char_at(row, col - 1).map(class) == k {
            col -= 1;
        }
        self.row = row;
        self.col = col;
    }

    /// `e`: the end of this or the next word.
    fn word_end(&mut self) {
        let mut row = self.row;
        let mut col = self.col + 1;
        loop {
            if col >= self.line_len(row) {
                if row + 1 >= self.lines.len() {
                    self.col = self.line_len(self.row).saturating_sub(1);
                    return;
                }
                row += 1;
                col = 0;
                continue;
            }
            if self.char_at(row, col).map(class) != Some(0) {
                break;
            }
            col += 1;
        }
        let k = self.char_at(row, col).map(class);
        while col + 1 < self.line_len(row) && self.char_at(row, col + 1).map(class) == k {
            col += 1;
        }
        self.row = row;
        self.col = col;
    }
}

/// Lines as the register holds them.
fn join_lines(lines: &[String]) -> String {
    lines.join("\n")
}
