//! A headless vim-like editor: a buffer of lines, a cursor, the modes (normal, insert, the `:`
//! command line and `/` search), undo and redo, the unnamed register, and the ex commands the exam
//! needs (`:w`, `:q`, `:wq`, `:x`, `:q!`, `:N`, `:set nu`). Keys come in as [`Key`], the editor's
//! own small enum, so this module knows nothing of terminals; the TUI draws [`Vim`]'s state.
//!
//! The editor never touches a file: `:w` keeps the text as the "written" copy, and when the editor
//! closes, [`Vim::key`] returns [`Exit`] with what was last written, for the caller to store.

mod ex;
mod normal;
mod pattern;
#[cfg(test)]
mod tests;

/// A key, as the editor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    /// A control chord: `Ctrl('r')` is Ctrl-R.
    Ctrl(char),
    Enter,
    Esc,
    Backspace,
    Delete,
    Tab,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
}

/// The editor's mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Insert,
    /// Typing an ex command after `:`.
    Command(String),
    /// Typing a search pattern after `/` (`forward`) or `?`.
    Search {
        pattern: String,
        forward: bool,
    },
}

/// How the editor closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exit {
    /// The text as last written with `:w` (or `:wq`, `:x`, `ZZ`); `None` if it was never written.
    pub written: Option<String>,
}

/// One state of the buffer, for undo.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    lines: Vec<String>,
    row: usize,
    col: usize,
}

/// The most undo steps kept.
const MAX_UNDO: usize = 1000;

/// The editor: buffer, cursor, mode, registers and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vim {
    /// The name shown in messages (`"pod.yaml" 12L, 230B written`).
    pub name: String,
    lines: Vec<String>,
    /// Cursor line (0-based).
    row: usize,
    /// Cursor column, in characters (0-based).
    col: usize,
    /// The column `j`/`k` try to keep.
    want_col: usize,
    mode: Mode,
    /// The first line shown.
    top: usize,
    /// Rows the text area had when last known, for scrolling and paging.
    height: usize,
    /// `:set number`.
    pub number: bool,
    /// The message on the bottom line (`-- INSERT --` is drawn from the mode, not kept here).
    message: String,
    /// Whether `message` is an error (drawn highlighted, as vim does).
    error: bool,
    /// Keys of a normal-mode command not yet complete (`3d` waiting for `d`).
    pending: String,
    /// The unnamed register, and whether it holds whole lines.
    register: Option<(String, bool)>,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// The last search: pattern and direction.
    last_search: Option<(String, bool)>,
    /// Whether the last search came from `*` or `#`, which do not use 'smartcase'.
    star_search: bool,
    /// The last `:s` replacement, which `~` stands for.
    last_replacement: Option<String>,
    /// `:set ignorecase` and `:set smartcase`.
    ignorecase: bool,
    smartcase: bool,
    /// The text as the file holds it (what was opened, then what `:w` wrote).
    saved: String,
    /// Whether the buffer was written at least once.
    written: bool,
    /// Whether the file existed when opened (`[New]` in the write message otherwise).
    existed: bool,
}

impl Vim {
    /// Opens `text` under `name`; `existed` says whether the file was there before.
    pub fn open(name: &str, text: &str, existed: bool) -> Vim {
        let lines = split_lines(text);
        let message = if existed {
            format!("\"{name}\" {}L, {}B", count_lines(text), text.len())
        } else {
            format!("\"{name}\" [New]")
        };
        Vim {
            name: name.to_string(),
            lines,
            row: 0,
            col: 0,
            want_col: 0,
            mode: Mode::Normal,
            top: 0,
            height: 20,
            number: false,
            message,
            error: false,
            pending: String::new(),
            register: None,
            undo: Vec::new(),
            redo: Vec::new(),
            last_search: None,
            star_search: false,
            last_replacement: None,
            ignorecase: false,
            smartcase: false,
            saved: text.to_string(),
            written: false,
            existed,
        }
    }

    /// The buffer's text as it would be written: lines joined, with a final newline (unless empty).
    pub fn text(&self) -> String {
        if self.lines.len() == 1 && self.lines.first().is_some_and(String::is_empty) {
            return String::new();
        }
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The cursor: (line, column in characters), 0-based.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.col)
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The message on the bottom line and whether it is an error.
    pub fn message(&self) -> (&str, bool) {
        (&self.message, self.error)
    }

    /// Whether the buffer differs from the file.
    pub fn modified(&self) -> bool {
        self.text() != self.saved
    }

    /// The first line the view shows.
    pub fn top(&self) -> usize {
        self.top
    }

    /// Tells the editor how many text rows the view has (for scrolling and paging).
    pub fn set_height(&mut self, rows: usize) {
        self.height = rows.max(1);
        self.scroll_to_cursor();
    }

    /// Handles one key; `Some` when the editor closed.
    pub fn key(&mut self, key: Key) -> Option<Exit> {
        if !matches!(self.mode, Mode::Normal) || self.pending.is_empty() {
            // A new command: the old message goes, as vim clears it on the next action.
            if !matches!(self.mode, Mode::Command(_) | Mode::Search { .. }) {
                self.message.clear();
                self.error = false;
            }
        }
        let exit = match self.mode.clone() {
            Mode::Normal => self.normal_key(key),
            Mode::Insert => {
                self.insert_key(key);
                None
            }
            Mode::Command(line) => self.command_key(line, key),
            Mode::Search { pattern, forward } => {
                self.search_key(pattern, forward, key);
                None
            }
        };
        self.clamp();
        self.scroll_to_cursor();
        exit
    }

    /// Types text as in insert mode (a paste), as one undo step.
    pub fn paste(&mut self, text: &str) {
        if self.mode != Mode::Insert {
            return;
        }
        for c in text.chars() {
            match c {
                '\n' => self.split_line(),
                '\r' => {}
                c => self.insert_char(c),
            }
        }
        self.scroll_to_cursor();
    }

    fn set_error(&mut self, msg: &str) {
        self.message = msg.to_string();
        self.error = true;
    }

    fn set_message(&mut self, msg: &str) {
        self.message = msg.to_string();
        self.error = false;
    }

    fn line(&self, row: usize) -> &str {
        self.lines.get(row).map_or("", String::as_str)
    }

    fn line_len(&self, row: usize) -> usize {
        self.line(row).chars().count()
    }

    /// Keeps the cursor inside the buffer: in normal mode on a character, in insert mode up to
    /// just past the end of the line.
    fn clamp(&mut self) {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.row = self.row.min(self.lines.len() - 1);
        let len = self.line_len(self.row);
        let max = if self.mode == Mode::Insert {
            len
        } else {
            len.saturating_sub(1)
        };
        self.col = self.col.min(max);
    }

    fn scroll_to_cursor(&mut self) {
        if self.row < self.top {
            self.top = self.row;
        } else if self.row >= self.top + self.height {
            self.top = self.row + 1 - self.height;
        }
    }

    /// Saves the buffer before a change, for `u`.
    fn checkpoint(&mut self) {
        self.undo.push(Snapshot {
            lines: self.lines.clone(),
            row: self.row,
            col: self.col,
        });
        if self.undo.len() > MAX_UNDO {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    fn undo(&mut self, count: usize) {
        let mut done = 0;
        for _ in 0..count {
            let Some(s) = self.undo.pop() else { break };
            self.redo.push(Snapshot {
                lines: std::mem::replace(&mut self.lines, s.lines),
                row: self.row,
                col: self.col,
            });
            self.row = s.row;
            self.col = s.col;
            done += 1;
        }
        if done == 0 {
            self.set_message("Already at oldest change");
        } else {
            self.set_message(&format!(
                "{done} change{}; before #{}",
                if done == 1 { "" } else { "s" },
                self.undo.len() + 1
            ));
        }
    }

    fn redo(&mut self, count: usize) {
        let mut done = 0;
        for _ in 0..count {
            let Some(s) = self.redo.pop() else { break };
            self.undo.push(Snapshot {
                lines: std::mem::replace(&mut self.lines, s.lines),
                row: self.row,
                col: self.col,
            });
            self.row = s.row;
            self.col = s.col;
            done += 1;
        }
        if done == 0 {
            self.set_message("Already at newest change");
        } else {
            self.set_message(&format!(
                "{done} change{}; after #{}",
                if done == 1 { "" } else { "s" },
                self.undo.len()
            ));
        }
    }

    /// The byte index of character column `col` in line `row`.
    fn byte_at(&self, row: usize, col: usize) -> usize {
        let line = self.line(row);
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }

    fn insert_char(&mut self, c: char) {
        let at = self.byte_at(self.row, self.col);
        if let Some(line) = self.lines.get_mut(self.row) {
            line.insert(at, c);
            self.col += 1;
        }
    }

    fn split_line(&mut self) {
        let at = self.byte_at(self.row, self.col);
        if let Some(line) = self.lines.get_mut(self.row) {
            let rest = line.split_off(at);
            self.lines.insert(self.row + 1, rest);
            self.row += 1;
            self.col = 0;
        }
    }

    fn insert_key(&mut self, key: Key) {
        match key {
            Key::Esc => {
                self.mode = Mode::Normal;
                self.col = self.col.saturating_sub(1);
            }
            Key::Char(c) => self.insert_char(c),
            // Two spaces, as the exam's usual `expandtab` setting for YAML gives.
            Key::Tab => {
                self.insert_char(' ');
                self.insert_char(' ');
            }
            Key::Enter => self.split_line(),
            Key::Backspace => {
                if self.col > 0 {
                    self.col -= 1;
                    let at = self.byte_at(self.row, self.col);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.remove(at);
                    }
                } else if self.row > 0 {
                    let line = self.lines.remove(self.row);
                    self.row -= 1;
                    self.col = self.line_len(self.row);
                    if let Some(prev) = self.lines.get_mut(self.row) {
                        prev.push_str(&line);
                    }
                }
            }
            Key::Delete => {
                if self.col < self.line_len(self.row) {
                    let at = self.byte_at(self.row, self.col);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.remove(at);
                    }
                } else if self.row + 1 < self.lines.len() {
                    let next = self.lines.remove(self.row + 1);
                    if let Some(line) = self.lines.get_mut(self.row) {
                        line.push_str(&next);
                    }
                }
            }
            Key::Ctrl('w') => {
                // Deletes the word before the cursor.
                let chars: Vec<char> = self.line(self.row).chars().collect();
                let mut start = self.col.min(chars.len());
                while start > 0 && chars.get(start - 1).is_some_and(|c| c.is_whitespace()) {
                    start -= 1;
                }
                while start > 0 && chars.get(start - 1).is_some_and(|c| !c.is_whitespace()) {
                    start -= 1;
                }
                let kept: String = chars
                    .iter()
                    .take(start)
                    .chain(chars.iter().skip(self.col))
                    .collect();
                if let Some(line) = self.lines.get_mut(self.row) {
                    *line = kept;
                }
                self.col = start;
            }
            Key::Ctrl('c') => {
                self.mode = Mode::Normal;
                self.col = self.col.saturating_sub(1);
            }
            other => self.motion_key(other),
        }
        if self.mode == Mode::Insert {
            self.want_col = self.col;
        }
    }

    /// Arrow keys and the like, in any mode that moves the cursor.
    fn motion_key(&mut self, key: Key) {
        match key {
            Key::Left => self.col = self.col.saturating_sub(1),
            Key::Right => self.col += 1,
            Key::Up => self.vertical(-1),
            Key::Down => self.vertical(1),
            Key::Home => self.col = 0,
            Key::End => self.col = self.line_len(self.row),
            Key::PageUp => self.vertical(-(self.height.max(3) as isize - 2)),
            Key::PageDown => self.vertical(self.height.max(3) as isize - 2),
            _ => {}
        }
        if !matches!(key, Key::Up | Key::Down | Key::PageUp | Key::PageDown) {
            self.clamp();
            self.want_col = self.col;
        }
    }

    /// Moves `delta` lines, keeping the wanted column.
    fn vertical(&mut self, delta: isize) {
        let last = self.lines.len().saturating_sub(1);
        self.row = self.row.saturating_add_signed(delta).min(last);
        self.col = self.want_col;
    }

    fn search_key(&mut self, mut pattern: String, forward: bool, key: Key) {
        match key {
            Key::Esc | Key::Ctrl('c') => self.mode = Mode::Normal,
            Key::Enter => {
                self.mode = Mode::Normal;
                let pattern = if pattern.is_empty() {
                    match &self.last_search {
                        Some((p, _)) => p.clone(),
                        None => {
                            self.set_error("E35: No previous regular expression");
                            return;
                        }
                    }
                } else {
                    pattern
                };
                self.last_search = Some((pattern.clone(), forward));
                self.star_search = false;
                self.find(&pattern, forward);
            }
            Key::Backspace => {
                if pattern.pop().is_none() {
                    self.mode = Mode::Normal;
                } else {
                    self.mode = Mode::Search { pattern, forward };
                }
            }
            Key::Char(c) => {
                pattern.push(c);
                self.mode = Mode::Search { pattern, forward };
            }
            _ => {}
        }
    }

    /// Compiles a vim pattern with the editor's options, or shows vim's error.
    fn compile(&mut self, pattern: &str, smartcase: bool) -> Option<regex::Regex> {
        match pattern::compile(
            pattern,
            self.ignorecase,
            self.smartcase && smartcase,
            self.last_replacement.as_deref(),
        ) {
            Ok(re) => Some(re),
            Err(msg) => {
                self.set_error(&msg);
                None
            }
        }
    }

    /// Moves to the next match of the vim `pattern` after (or before) the cursor, wrapping
    /// around the buffer with vim's message.
    fn find(&mut self, pattern: &str, forward: bool) {
        let Some(re) = self.compile(pattern, !self.star_search) else {
            return;
        };
        let n = self.lines.len();
        // Columns in characters; a match at the end of a line counts as its last character, so
        // `/$` moves on to the next line as in vim.
        let matches_in = |line: &str| -> Vec<usize> {
            let last = line.chars().count().saturating_sub(1);
            let mut cols: Vec<usize> = re
                .find_iter(line)
                .map(|m| {
                    line.get(..m.start())
                        .map_or(0, |s| s.chars().count())
                        .min(last)
                })
                .collect();
            cols.dedup();
            cols
        };
        for step in 0..=n {
            let (row, wrapped) = if forward {
                ((self.row + step) % n, self.row + step >= n)
            } else {
                ((self.row + n * 2 - step) % n, step > self.row)
            };
            let cols = matches_in(self.line(row));
            let hit = if forward {
                cols.into_iter().find(|&c| step > 0 || c > self.col)
            } else {
                cols.into_iter().rev().find(|&c| step > 0 || c < self.col)
            };
            // The cursor's own line, reached again after wrapping all the way round.
            let hit = hit.or_else(|| {
                if step == n {
                    matches_in(self.line(row)).into_iter().next()
                } else {
                    None
                }
            });
            if let Some(col) = hit {
                self.row = row;
                self.col = col;
                self.want_col = col;
                let prefix = if forward { '/' } else { '?' };
                if wrapped {
                    let msg = if forward {
                        "search hit BOTTOM, continuing at TOP"
                    } else {
                        "search hit TOP, continuing at BOTTOM"
                    };
                    self.set_error(msg);
                } else {
                    self.set_message(&format!("{prefix}{pattern}"));
                }
                return;
            }
        }
        self.set_error(&format!("E486: Pattern not found: {pattern}"));
    }
}

/// The lines of `text`; a final newline does not start another line.
fn split_lines(text: &str) -> Vec<String> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return vec![String::new()];
    }
    body.split('\n').map(String::from).collect()
}

/// Lines as vim counts them in `"f" 3L, 20B`.
fn count_lines(text: &str) -> usize {
    if text.is_empty() {
        0
    } else {
        text.matches('\n').count() + usize::from(!text.ends_with('\n'))
    }
}
