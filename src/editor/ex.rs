//! The `:` command line: writing and quitting, going to a line, `:set` options, `:%d`, and
//! `:[range]s/pat/rep/[flags]` substitution with vim's regular expressions (see `pattern`).

use super::pattern::{self, Replacement};
use super::{count_lines, Exit, Key, Mode, Vim};

/// The lines a `:s` works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Cursor,
    All,
    /// First and last line, 0-based.
    Lines(usize, usize),
}

/// Splits `:[range]s/pat/rep/flags` (any punctuation as the delimiter) into its parts; `None` when
/// `cmd` is not a substitute.
fn substitute_parts(cmd: &str) -> Option<(Range, String, String, String)> {
    let (range, rest) = if let Some(r) = cmd.strip_prefix('%') {
        (Range::All, r)
    } else {
        let end = cmd
            .find(|c: char| !(c.is_ascii_digit() || c == ','))
            .unwrap_or(cmd.len());
        let (nums, rest) = cmd.split_at(end);
        let range = if nums.is_empty() {
            Range::Cursor
        } else {
            let mut it = nums.split(',');
            let a: usize = it.next()?.parse().ok()?;
            let b: usize = match it.next() {
                Some(b) => b.parse().ok()?,
                None => a,
            };
            if it.next().is_some() || a == 0 || b == 0 {
                return None;
            }
            Range::Lines(a - 1, b - 1)
        };
        (range, rest)
    };
    let rest = rest
        .strip_prefix("substitute")
        .or_else(|| rest.strip_prefix("s"))?;
    let mut chars = rest.chars();
    let delim = chars.next()?;
    if delim.is_alphanumeric() || delim.is_whitespace() || "\\\"|".contains(delim) {
        return None;
    }
    let body = chars.as_str();
    let mut parts: Vec<String> = vec![String::new()];
    let mut it = body.chars();
    while let Some(c) = it.next() {
        if c == delim && parts.len() < 3 {
            parts.push(String::new());
            continue;
        }
        let in_flags = parts.len() >= 3;
        let Some(cur) = parts.last_mut() else {
            break;
        };
        cur.push(c);
        if c == '\\' && !in_flags {
            if let Some(d) = it.next() {
                cur.push(d);
            }
        }
    }
    let mut parts = parts.into_iter();
    let pat = parts.next().unwrap_or_default();
    let rep = parts.next().unwrap_or_default();
    let flags = parts.next().unwrap_or_default();
    Some((range, pat, rep, flags))
}

/// Options `:set` accepts without changing anything kubedojo shows (indenting and tabs are always
/// YAML-friendly here).
const QUIET_OPTIONS: &[&str] = &[
    "paste",
    "nopaste",
    "ai",
    "noai",
    "autoindent",
    "noautoindent",
    "et",
    "noet",
    "expandtab",
    "noexpandtab",
    "hlsearch",
    "nohlsearch",
    "hls",
    "nohls",
    "incsearch",
    "is",
    "nois",
    "ruler",
    "noruler",
    "list",
    "nolist",
    "cursorline",
    "nocursorline",
    "cuc",
    "nocuc",
    "sts",
    "smartindent",
    "si",
];

impl Vim {
    pub(super) fn command_key(&mut self, mut line: String, key: Key) -> Option<Exit> {
        match key {
            Key::Esc | Key::Ctrl('c') => self.mode = Mode::Normal,
            Key::Enter => {
                self.mode = Mode::Normal;
                return self.ex(&line);
            }
            Key::Backspace => {
                if line.pop().is_none() {
                    self.mode = Mode::Normal;
                } else {
                    self.mode = Mode::Command(line);
                }
            }
            Key::Ctrl('u') => self.mode = Mode::Command(String::new()),
            Key::Char(c) => {
                line.push(c);
                self.mode = Mode::Command(line);
            }
            _ => {}
        }
        None
    }

    /// Writes the buffer (into the editor's copy of the file) with vim's message.
    fn write(&mut self) {
        let text = self.text();
        let new = if self.existed { "" } else { " [New]" };
        self.set_message(&format!(
            "\"{}\"{new} {}L, {}B written",
            self.name,
            count_lines(&text),
            text.len()
        ));
        self.saved = text;
        self.written = true;
        self.existed = true;
    }

    fn exit(&self) -> Option<Exit> {
        Some(Exit {
            written: self.written.then(|| self.saved.clone()),
        })
    }

    /// Runs one ex command.
    pub(super) fn ex(&mut self, line: &str) -> Option<Exit> {
        let cmd = line.trim().trim_start_matches(':').trim();
        if cmd.is_empty() {
            return None;
        }
        match cmd {
            "w" | "w!" | "write" => self.write(),
            "q" | "quit" | "qa" | "qall" | "clo" | "close" => {
                if self.modified() {
                    self.set_error("E37: No write since last change (add ! to override)");
                } else {
                    return self.exit();
                }
            }
            "q!" | "quit!" | "qa!" | "qall!" | "cq" | "cq!" => return self.exit(),
            "wq" | "wq!" | "x" | "x!" | "xit" | "exit" | "wqa" | "xa" | "wqall" | "xall" => {
                if cmd.starts_with('w') || self.modified() {
                    self.write();
                }
                return self.exit();
            }
            "$" => {
                self.row = self.lines.len().saturating_sub(1);
                self.first_non_blank();
            }
            "%d" | "%delete" | "1,$d" => {
                self.checkpoint();
                let removed = std::mem::replace(&mut self.lines, vec![String::new()]);
                self.register = Some((removed.join("\n"), true));
                self.row = 0;
                self.col = 0;
                self.set_message("--No lines in buffer--");
            }
            _ if cmd.chars().all(|c| c.is_ascii_digit()) => {
                let n: usize = cmd.parse().unwrap_or(usize::MAX);
                self.row = n.saturating_sub(1).min(self.lines.len().saturating_sub(1));
                self.first_non_blank();
            }
            _ if cmd.starts_with("set ") || cmd.starts_with("se ") => {
                for opt in cmd.split_whitespace().skip(1) {
                    self.set_option(opt);
                }
            }
            _ if substitute_parts(cmd).is_some() => self.substitute(cmd),
            _ if cmd.starts_with("w ") || cmd.starts_with("saveas ") => {
                self.set_error("E139: kubedojo's vi writes only the file it opened; use :w");
            }
            _ if cmd.starts_with("syn") || cmd.starts_with("filetype") || cmd == "noh" => {}
            _ => {
                let word = cmd.split_whitespace().next().unwrap_or(cmd);
                self.set_error(&format!("E492: Not an editor command: {word}"));
            }
        }
        None
    }

    fn set_option(&mut self, opt: &str) {
        let name = opt.split(['=', ':']).next().unwrap_or(opt);
        match name {
            "nu" | "number" => self.number = true,
            "nonu" | "nonumber" => self.number = false,
            "nu!" | "number!" | "invnu" | "invnumber" => self.number = !self.number,
            "ts" | "tabstop" | "sw" | "shiftwidth" | "softtabstop" => {}
            "ic" | "ignorecase" => self.ignorecase = true,
            "noic" | "noignorecase" => self.ignorecase = false,
            "scs" | "smartcase" => self.smartcase = true,
            "noscs" | "nosmartcase" => self.smartcase = false,
            _ if QUIET_OPTIONS.contains(&name) => {}
            _ => self.set_error(&format!("E518: Unknown option: {opt}")),
        }
    }

    /// `:[range]s/pat/rep/[flags]`: vim's regex and replacement, flags `g`, `i`, `I`, `e`, `n`.
    fn substitute(&mut self, cmd: &str) {
        let Some((range, pat, rep, flags)) = substitute_parts(cmd) else {
            return;
        };
        let last = self.lines.len().saturating_sub(1);
        let rows: Vec<usize> = match range {
            Range::Cursor => vec![self.row],
            Range::All => (0..self.lines.len()).collect(),
            Range::Lines(a, b) => {
                let (a, b) = (a.min(b), a.max(b));
                if b > last {
                    self.set_error("E16: Invalid range");
                    return;
                }
                (a..=b).collect()
            }
        };
        let (mut global, mut count_only, mut quiet) = (false, false, false);
        let mut case: Option<bool> = None;
        for f in flags.chars() {
            match f {
                'g' => global = !global,
                'n' => count_only = true,
                'e' => quiet = true,
                'i' => case = Some(true),
                'I' => case = Some(false),
                'c' => {
                    self.set_error("kubedojo's vi does not support the c (confirm) flag of :s");
                    return;
                }
                ' ' => {}
                _ => {
                    self.set_error(&format!("E488: Trailing characters: {flags}"));
                    return;
                }
            }
        }
        let pat = if pat.is_empty() {
            match &self.last_search {
                Some((p, _)) => p.clone(),
                None => {
                    self.set_error("E35: No previous regular expression");
                    return;
                }
            }
        } else {
            pat
        };
        let ignorecase = case.unwrap_or(self.ignorecase);
        let smartcase = case.is_none() && self.smartcase;
        let re = match pattern::compile(
            &pat,
            ignorecase,
            smartcase,
            self.last_replacement.as_deref(),
        ) {
            Ok(re) => re,
            Err(msg) => {
                self.set_error(&msg);
                return;
            }
        };
        let forward = self.last_search.as_ref().is_none_or(|(_, f)| *f);
        self.last_search = Some((pat.clone(), forward));
        self.star_search = false;
        let (replacement, remembered) = Replacement::parse(&rep, self.last_replacement.as_deref());
        if !count_only {
            self.last_replacement = Some(remembered);
        }
        let before = self.lines.clone();
        let mut count = 0usize;
        let mut last_row = None;
        let mut changed_lines = 0usize;
        // Rows shift down when a replacement breaks a line (`\r`).
        let mut shift = 0usize;
        for r in rows {
            let r = r + shift;
            let Some(line) = self.lines.get(r) else {
                continue;
            };
            let mut out = String::new();
            let mut at = 0usize;
            let mut hits = 0usize;
            for caps in re.captures_iter(line) {
                let Some(m) = caps.get(0) else {
                    continue;
                };
                out.push_str(line.get(at..m.start()).unwrap_or_default());
                out.push_str(&replacement.expand(&caps));
                at = m.end();
                hits += 1;
                if !global {
                    break;
                }
            }
            if hits == 0 {
                continue;
            }
            out.push_str(line.get(at..).unwrap_or_default());
            count += hits;
            changed_lines += 1;
            last_row = Some(r);
            if count_only {
                continue;
            }
            let new: Vec<String> = out.split('\n').map(String::from).collect();
            let added = new.len().saturating_sub(1);
            self.lines.splice(r..=r, new);
            shift += added;
            last_row = Some(r + added);
        }
        if count_only {
            match last_row {
                None if !quiet => self.set_error(&format!("E486: Pattern not found: {pat}")),
                None => {}
                Some(_) => {
                    let m = if count == 1 { "match" } else { "matches" };
                    let s = if changed_lines == 1 { "" } else { "s" };
                    self.set_message(&format!("{count} {m} on {changed_lines} line{s}"));
                }
            }
            return;
        }
        if last_row.is_none() && quiet {
            return;
        }
        let old = pat;
        match last_row {
            None => self.set_error(&format!("E486: Pattern not found: {old}")),
            Some(r) => {
                self.undo.push(super::Snapshot {
                    lines: before,
                    row: self.row,
                    col: self.col,
                });
                self.redo.clear();
                self.row = r;
                self.first_non_blank();
                if count > 2 {
                    let s = if changed_lines == 1 { "" } else { "s" };
                    self.set_message(&format!("{count} substitutions on {changed_lines} line{s}"));
                }
            }
        }
    }
}
