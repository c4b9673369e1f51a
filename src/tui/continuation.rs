//! When a typed line is not yet a whole command: an open here-document, an unclosed quote, a trailing
//! backslash, or a trailing `|` / `&&` / `||`. Both the terminal pane and `kubedojo sh` collect lines
//! until this says the block is complete, then hand the whole block to `Session::run`.
//!
//! This is a scanner, not a parser: it only tracks quotes, comments and here-document delimiters, which
//! is all bash itself needs to decide whether to print its `> ` continuation prompt. It uses neither
//! ratatui nor crossterm.

/// True when `buf` (lines joined with `\n`) needs more lines before it can run.
pub fn needs_more_lines(buf: &str) -> bool {
    let mut scan = Scanner::default();
    for line in buf.split('\n') {
        scan.line(line);
    }
    scan.incomplete()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Single,
    Double,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct HereDoc {
    delimiter: String,
    /// `<<-`: leading tabs are stripped from body lines and the terminator.
    strip_tabs: bool,
}

#[derive(Debug, Default)]
struct Scanner {
    quote: Option<Quote>,
    /// Here-documents whose bodies are being read, first one first.
    bodies: std::collections::VecDeque<HereDoc>,
    /// Here-documents named on the current logical line; their bodies start after it ends.
    declared: Vec<HereDoc>,
    /// The logical line goes on: a trailing backslash.
    escaped_newline: bool,
    /// The last token was `|`, `&&` or `||`.
    operator_pending: bool,
    /// Open `$((` arithmetic expansions, where `<<` is a shift, not a here-document.
    arithmetic: usize,
}

impl Scanner {
    fn incomplete(&self) -> bool {
        self.quote.is_some()
            || !self.bodies.is_empty()
            || !self.declared.is_empty()
            || self.escaped_newline
            || self.operator_pending
    }

    fn line(&mut self, line: &str) {
        if let Some(doc) = self.bodies.front() {
            let text = if doc.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if text == doc.delimiter {
                self.bodies.pop_front();
            }
            return;
        }
        self.escaped_newline = false;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match self.quote {
                Some(Quote::Single) => {
                    if c == '\'' {
                        self.quote = None;
                    }
                    i += 1;
                    continue;
                }
                Some(Quote::Double) => {
                    if c == '\\' {
                        if i + 1 == chars.len() {
                            // A backslash-newline inside double quotes joins lines; the quote stays open.
                            return;
                        }
                        i += 2;
                        continue;
                    }
                    if c == '"' {
                        self.quote = None;
                    }
                    i += 1;
                    continue;
                }
                None => {}
            }
            match c {
                '\\' => {
                    if i + 1 == chars.len() {
                        self.escaped_newline = true;
                        return;
                    }
                    self.operator_pending = false;
                    i += 2;
                }
                '\'' => {
                    self.operator_pending = false;
                    self.quote = Some(Quote::Single);
                    i += 1;
                }
                '"' => {
                    self.operator_pending = false;
                    self.quote = Some(Quote::Double);
                    i += 1;
                }
                '#' if i == 0 || chars[i - 1].is_whitespace() || ";|&(".contains(chars[i - 1]) => {
                    break;
                }
                '|' => {
                    self.operator_pending = true;
                    i += if chars.get(i + 1) == Some(&'|') { 2 } else { 1 };
                }
                '&' if chars.get(i + 1) == Some(&'&') => {
                    self.operator_pending = true;
                    i += 2;
                }
                '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) == Some(&'(') => {
                    self.operator_pending = false;
                    self.arithmetic += 1;
                    i += 3;
                }
                ')' if self.arithmetic > 0 && chars.get(i + 1) == Some(&')') => {
                    self.arithmetic -= 1;
                    i += 2;
                }
                '<' if self.arithmetic > 0 => i += 1,
                '<' if chars.get(i + 1) == Some(&'<') => {
                    self.operator_pending = false;
                    if chars.get(i + 2) == Some(&'<') {
                        // `<<<` is a here-string, complete on its own line.
                        i += 3;
                        continue;
                    }
                    i += 2;
                    let strip_tabs = chars.get(i) == Some(&'-');
                    if strip_tabs {
                        i += 1;
                    }
                    while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
                        i += 1;
                    }
                    let (delimiter, next) = read_word(&chars, i);
                    i = next;
                    if !delimiter.is_empty() {
                        self.declared.push(HereDoc {
                            delimiter,
                            strip_tabs,
                        });
                    }
                }
                c if c.is_whitespace() => i += 1,
                _ => {
                    self.operator_pending = false;
                    i += 1;
                }
            }
        }
        if self.quote.is_none() {
            self.bodies.extend(self.declared.drain(..));
        }
    }
}

/// Reads a here-document delimiter word starting at `i`, removing its quotes (`'EOF'`, `"EOF"`, `E"OF"`).
fn read_word(chars: &[char], mut i: usize) -> (String, usize) {
    let mut word = String::new();
    let mut quote: Option<char> = None;
    while let Some(&c) = chars.get(i) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    word.push(n);
                    i += 1;
                }
            }
            None if c.is_whitespace() || ";|&<>()".contains(c) => break,
            None => word.push(c),
        }
        i += 1;
    }
    (word, i)
}

#[cfg(test)]
mod tests {
    use super::needs_more_lines;

    #[test]
    fn a_plain_command_is_complete() {
        assert!(!needs_more_lines("kubectl get pods -A"));
        assert!(!needs_more_lines(""));
        assert!(!needs_more_lines("echo 'it''s' \"a \\\"b\\\"\""));
        assert!(!needs_more_lines("echo hi # don't worry"));
        assert!(!needs_more_lines("cat <<< 'here string'"));
        assert!(!needs_more_lines("echo a && echo b || echo c | wc -l"));
        assert!(!needs_more_lines("echo $((1 << 4))"));
        assert!(needs_more_lines("echo $((1 << 4)); cat <<EOF"));
    }

    #[test]
    fn an_open_heredoc_needs_its_terminator() {
        assert!(needs_more_lines("cat <<EOF > pod.yaml"));
        assert!(needs_more_lines("cat <<EOF > pod.yaml\napiVersion: v1"));
        assert!(needs_more_lines("cat <<EOF\nEOF \n"));
        assert!(!needs_more_lines(
            "cat <<EOF > pod.yaml\napiVersion: v1\nEOF"
        ));
        assert!(!needs_more_lines("cat << EOF\nx\nEOF"));
    }

    #[test]
    fn quoted_and_dashed_heredoc_delimiters() {
        assert!(needs_more_lines("cat <<'EOF'\n$HOME"));
        assert!(!needs_more_lines("cat <<'EOF'\n$HOME\nEOF"));
        assert!(!needs_more_lines(
            "cat <<\"END\" | kubectl apply -f -\nkind: Pod\nEND"
        ));
        assert!(needs_more_lines("cat <<-EOF\n\tx\n  EOF"));
        assert!(!needs_more_lines("cat <<-EOF\n\tx\n\t\tEOF"));
        // Without the dash, a tab-indented terminator does not end the body.
        assert!(needs_more_lines("cat <<EOF\n\tEOF"));
    }

    #[test]
    fn two_heredocs_on_one_line_need_both_terminators() {
        let first = "cat <<A <<B\na\nA";
        assert!(needs_more_lines(first));
        assert!(!needs_more_lines(&format!("{first}\nb\nB")));
    }

    #[test]
    fn heredoc_markers_in_quotes_or_comments_do_not_count() {
        assert!(!needs_more_lines("echo '<<EOF'"));
        assert!(!needs_more_lines("echo \"<<EOF\""));
        assert!(!needs_more_lines("echo hi # cat <<EOF"));
    }

    #[test]
    fn unclosed_quotes_need_more() {
        assert!(needs_more_lines("echo 'abc"));
        assert!(needs_more_lines("echo \"abc"));
        assert!(!needs_more_lines("echo 'abc\ndef'"));
        assert!(needs_more_lines("echo \"a\\\"b"));
    }

    #[test]
    fn a_trailing_backslash_or_operator_needs_more() {
        assert!(needs_more_lines("kubectl run web \\"));
        assert!(!needs_more_lines("kubectl run web \\\n  --image=nginx"));
        assert!(!needs_more_lines("echo a\\\\"));
        assert!(needs_more_lines("kubectl get po |"));
        assert!(needs_more_lines("true &&"));
        assert!(needs_more_lines("false ||  "));
        assert!(!needs_more_lines("kubectl get po |\ngrep web"));
        // A backslash inside single quotes is literal.
        assert!(needs_more_lines("echo 'a\\"));
    }

    #[test]
    fn a_heredoc_after_a_continued_line_starts_after_the_logical_line() {
        assert!(needs_more_lines("cat <<EOF \\\n > f"));
        assert!(!needs_more_lines("cat <<EOF \\\n > f\nbody\nEOF"));
    }

    /// The scanner and the shell's parser agree: what the scanner calls complete parses without
    /// errors or "unterminated here-document" warnings, and what it calls incomplete does not.
    #[test]
    fn agrees_with_the_shell_parser() {
        let aliases = std::collections::BTreeMap::new();
        let complete = [
            "kubectl get pods -A",
            "echo 'a b' \"c d\" | grep a > /tmp/x",
            "cat <<EOF > pod.yaml\napiVersion: v1\nkind: Pod\nEOF",
            "cat <<'EOF' | kubectl apply -f -\n$HOME\nEOF",
            "cat <<-EOF\n\tx\n\tEOF",
            "kubectl run web \\\n  --image=nginx",
            "kubectl get po |\ngrep web",
            "echo $((1 << 4))",
            "echo 'multi\nline'",
        ];
        for line in complete {
            assert!(!needs_more_lines(line), "{line:?} should be complete");
            let parsed = crate::shell::parser::parse(line, &aliases);
            assert!(
                parsed
                    .as_ref()
                    .is_ok_and(|(_, warnings)| warnings.is_empty()),
                "{line:?}: {parsed:?}"
            );
        }
        let incomplete = [
            "cat <<EOF > pod.yaml\nkind: Pod",
            "echo 'open",
            "echo \"open",
            "kubectl get po |",
            "true &&",
        ];
        for line in incomplete {
            assert!(needs_more_lines(line), "{line:?} should need more");
            let parsed = crate::shell::parser::parse(line, &aliases);
            assert!(
                parsed
                    .as_ref()
                    .map_or(true, |(_, warnings)| !warnings.is_empty()),
                "{line:?} parsed cleanly: {parsed:?}"
            );
        }
    }
}
