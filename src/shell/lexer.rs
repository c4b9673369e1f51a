//! Splits a command line into tokens the way bash reads them: words (with their quoting kept, so
//! expansion knows what to split and glob), operators, redirections, and here-document bodies, which
//! follow the line that opened them.

mod word;

pub use word::expandable;

/// One piece of a word. Quoted pieces are neither split into fields nor globbed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text: subject to globbing.
    Lit(String),
    /// Text from single quotes, double quotes or a backslash escape.
    Quoted(String),
    /// `$NAME`, `${NAME}`, `$?`, `$1`.
    Var {
        /// The variable or special parameter.
        name: String,
        /// Whether it stood inside double quotes (then it is not split or globbed).
        quoted: bool,
    },
    /// `${NAME:-word}` and friends: the operator (`:-`, `-`, `:=`, `#`-length is `len`) and its word.
    Param {
        /// The variable.
        name: String,
        /// The operator.
        op: String,
        /// The word after the operator, unexpanded.
        arg: String,
        /// Whether it stood inside double quotes (then it is not split or globbed).
        quoted: bool,
    },
    /// `$(...)` or `` `...` ``: the source of the command list.
    Cmd {
        /// The commands inside.
        src: String,
        /// Whether it stood inside double quotes (then it is not split or globbed).
        quoted: bool,
    },
    /// `$((...))`: an arithmetic expression.
    Arith {
        /// The expression inside.
        src: String,
        /// Whether it stood inside double quotes (then it is not split or globbed).
        quoted: bool,
    },
    /// `<(...)`: process substitution.
    Proc(String),
    /// A leading unquoted `~`.
    Tilde,
}

/// A word as written: its parts in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    /// The pieces, in order.
    pub parts: Vec<Part>,
}

impl Word {
    /// The text of a word made only of unquoted literal text (`k`, `ls`), for alias lookup.
    pub fn plain(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [Part::Lit(s)] => Some(s),
            _ => None,
        }
    }
}

/// Operators that separate commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `|`
    Pipe,
    /// `|&`: stdout and stderr into the pipe.
    PipeAll,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`
    Semi,
    /// `;;` (only valid in `case`, which this shell lacks).
    DSemi,
    /// `&` (the command runs in the foreground all the same).
    Amp,
    /// The end of a line.
    Newline,
    /// `(`
    LParen,
    /// `)`
    RParen,
}

impl Op {
    /// The token as bash names it in a syntax error.
    pub fn text(self) -> &'static str {
        match self {
            Op::Pipe => "|",
            Op::PipeAll => "|&",
            Op::And => "&&",
            Op::Or => "||",
            Op::Semi => ";",
            Op::DSemi => ";;",
            Op::Amp => "&",
            Op::Newline => "newline",
            Op::LParen => "(",
            Op::RParen => ")",
        }
    }
}

/// The kinds of redirection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirKind {
    /// `>` (and `>|`)
    Out,
    /// `>>`
    Append,
    /// `<`
    In,
    /// `>&` (a descriptor number or, for fd 1, a file)
    DupOut,
    /// `<&`
    DupIn,
    /// `&>`
    AllOut,
    /// `&>>`
    AllAppend,
    /// `<<EOF`: the body, and whether `$` expansions apply (the delimiter was unquoted).
    Heredoc {
        /// The lines between the operator's line and the delimiter.
        body: String,
        /// Whether `$` expansions apply (the delimiter was unquoted).
        expand: bool,
    },
    /// `<<<`
    HereString,
}

impl RedirKind {
    fn text(&self) -> &'static str {
        match self {
            RedirKind::Out => ">",
            RedirKind::Append => ">>",
            RedirKind::In => "<",
            RedirKind::DupOut => ">&",
            RedirKind::DupIn => "<&",
            RedirKind::AllOut => "&>",
            RedirKind::AllAppend => "&>>",
            RedirKind::Heredoc { .. } => "<<",
            RedirKind::HereString => "<<<",
        }
    }
}

/// A token of the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A word, quoting kept.
    Word(Word),
    /// An operator.
    Op(Op),
    /// A redirection operator with its explicit descriptor (`2>`); its target is the next word,
    /// except for here-documents, which carry their body.
    Redir {
        /// The descriptor written before the operator, if any.
        fd: Option<u32>,
        /// What kind of redirection.
        kind: RedirKind,
    },
}

impl Token {
    /// The token as bash quotes it in `syntax error near unexpected token`.
    pub fn text(&self) -> String {
        match self {
            Token::Word(w) => w
                .parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) | Part::Quoted(s) => s.clone(),
                    _ => String::new(),
                })
                .collect(),
            Token::Op(op) => op.text().to_string(),
            Token::Redir { kind, .. } => kind.text().to_string(),
        }
    }
}

/// The tokens of a line, and warnings bash would print while reading it.
#[derive(Debug, Clone, Default)]
pub struct Lexed {
    /// The tokens in order.
    pub tokens: Vec<Token>,
    /// Warnings to print before running (here-documents ended by end of input).
    pub warnings: String,
}

struct PendingDoc {
    token: usize,
    delim: String,
    strip_tabs: bool,
    expand: bool,
}

struct Lexer<'a> {
    s: &'a [char],
    i: usize,
    out: Lexed,
    pending: Vec<PendingDoc>,
    line: usize,
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '|' | '&' | ';' | '(' | ')' | '<' | '>'
    )
}

fn eof_quote(c: char) -> String {
    format!("unexpected EOF while looking for matching `{c}'")
}

/// Splits `src` into tokens. The error is bash's message without the `bash: ` prefix.
pub fn lex(src: &str) -> Result<Lexed, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut lx = Lexer {
        s: &chars,
        i: 0,
        out: Lexed::default(),
        pending: Vec::new(),
        line: 1,
    };
    lx.run()?;
    Ok(lx.out)
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn at(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }

    fn starts(&self, text: &str) -> bool {
        text.chars().enumerate().all(|(k, c)| self.at(k) == Some(c))
    }

    fn op(&mut self, op: Op, len: usize) {
        self.i += len;
        self.out.tokens.push(Token::Op(op));
    }

    fn redir(&mut self, fd: Option<u32>, kind: RedirKind, len: usize) -> Result<(), String> {
        self.i += len;
        let heredoc = matches!(kind, RedirKind::Heredoc { .. });
        let strip_tabs = heredoc && self.peek() == Some('-');
        if strip_tabs {
            self.i += 1;
        }
        self.out.tokens.push(Token::Redir { fd, kind });
        if heredoc {
            while matches!(self.peek(), Some(' ' | '\t')) {
                self.i += 1;
            }
            let start = self.i;
            let word = self.word()?;
            if word.parts.is_empty() {
                return Err(self.unexpected_here());
            }
            let raw: String = self
                .s
                .get(start..self.i)
                .unwrap_or_default()
                .iter()
                .collect();
            let expand = !raw.contains(['\'', '"', '\\']);
            let delim: String = word
                .parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) | Part::Quoted(s) => s.clone(),
                    _ => String::new(),
                })
                .collect();
            let delim = if delim.is_empty() { raw } else { delim };
            let token = self.out.tokens.len() - 1;
            self.pending.push(PendingDoc {
                token,
                delim,
                strip_tabs,
                expand,
            });
        }
        Ok(())
    }

    fn unexpected_here(&self) -> String {
        let t = match self.peek() {
            None | Some('\n') => "newline".to_string(),
            Some(c) => c.to_string(),
        };
        format!("syntax error near unexpected token `{t}'")
    }

    fn run(&mut self) -> Result<(), String> {
        loop {
            while matches!(self.peek(), Some(' ' | '\t')) {
                self.i += 1;
            }
            let Some(c) = self.peek() else { break };
            match c {
                '\n' => {
                    self.op(Op::Newline, 1);
                    self.line += 1;
                    self.read_heredocs();
                }
                '#' => {
                    while !matches!(self.peek(), None | Some('\n')) {
                        self.i += 1;
                    }
                }
                '\\' if self.at(1) == Some('\n') => self.i += 2,
                '|' if self.at(1) == Some('|') => self.op(Op::Or, 2),
                '|' if self.at(1) == Some('&') => self.op(Op::PipeAll, 2),
                '|' => self.op(Op::Pipe, 1),
                '&' if self.at(1) == Some('&') => self.op(Op::And, 2),
                '&' if self.starts("&>>") => self.redir(None, RedirKind::AllAppend, 3)?,
                '&' if self.at(1) == Some('>') => self.redir(None, RedirKind::AllOut, 2)?,
                '&' => self.op(Op::Amp, 1),
                ';' if self.at(1) == Some(';') => self.op(Op::DSemi, 2),
                ';' => self.op(Op::Semi, 1),
                '(' => self.op(Op::LParen, 1),
                ')' => self.op(Op::RParen, 1),
                '<' | '>' if self.at(1) != Some('(') => self.redir_op(None)?,
                _ => {
                    let w = self.word()?;
                    let fd = match w.plain() {
                        Some(n)
                            if matches!(self.peek(), Some('<' | '>'))
                                && n.chars().all(|c| c.is_ascii_digit()) =>
                        {
                            n.parse::<u32>().ok()
                        }
                        _ => None,
                    };
                    match fd {
                        Some(fd) => self.redir_op(Some(fd))?,
                        None if w.parts.is_empty() => {}
                        None => self.out.tokens.push(Token::Word(w)),
                    }
                }
            }
        }
        if !self.pending.is_empty() {
            self.read_heredocs();
        }
        Ok(())
    }

    fn redir_op(&mut self, fd: Option<u32>) -> Result<(), String> {
        let heredoc = RedirKind::Heredoc {
            body: String::new(),
            expand: true,
        };
        if self.starts("<<<") {
            self.redir(fd, RedirKind::HereString, 3)
        } else if self.starts("<<") {
            self.redir(fd, heredoc, 2)
        } else if self.starts("<&") {
            self.redir(fd, RedirKind::DupIn, 2)
        } else if self.starts("<") {
            self.redir(fd, RedirKind::In, 1)
        } else if self.starts(">>") {
            self.redir(fd, RedirKind::Append, 2)
        } else if self.starts(">&") {
            self.redir(fd, RedirKind::DupOut, 2)
        } else if self.starts(">|") {
            self.redir(fd, RedirKind::Out, 2)
        } else {
            self.redir(fd, RedirKind::Out, 1)
        }
    }

    /// Reads the bodies of the here-documents opened on the line just ended.
    fn read_heredocs(&mut self) {
        let docs = std::mem::take(&mut self.pending);
        for doc in docs {
            let mut body = String::new();
            let mut found = false;
            while self.i < self.s.len() {
                let start = self.i;
                while !matches!(self.peek(), None | Some('\n')) {
                    self.i += 1;
                }
                let mut line: String = self
                    .s
                    .get(start..self.i)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                if self.peek() == Some('\n') {
                    self.i += 1;
                    self.line += 1;
                }
                if doc.strip_tabs {
                    line = line.trim_start_matches('\t').to_string();
                }
                if line == doc.delim || line.strip_suffix('\r') == Some(doc.delim.as_str()) {
                    found = true;
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if !found {
                self.out.warnings.push_str(&format!(
                    "bash: warning: here-document at line {} delimited by end-of-file (wanted `{}')\n",
                    self.line, doc.delim
                ));
            }
            if let Some(Token::Redir { kind, .. }) = self.out.tokens.get_mut(doc.token) {
                *kind = RedirKind::Heredoc {
                    body,
                    expand: doc.expand,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<String> {
        lex(src)
            .expect("lex")
            .tokens
            .iter()
            .map(Token::text)
            .collect()
    }

    #[test]
    fn quotes_join_into_one_word() {
        assert_eq!(words(r#"echo 'a b'"c d"e\ f"#), vec!["echo", "a bc de f"]);
    }

    #[test]
    fn operators_and_redirections_split_words() {
        assert_eq!(
            words("a|b&&c||d;e 2>&1 >>f"),
            vec!["a", "|", "b", "&&", "c", "||", "d", ";", "e", ">&", "1", ">>", "f"]
        );
    }

    #[test]
    fn comments_are_dropped() {
        assert_eq!(words("ls # list"), vec!["ls"]);
        assert_eq!(words("echo a#b"), vec!["echo", "a#b"]);
    }

    #[test]
    fn heredoc_body_follows_the_line() {
        let l = lex("cat <<EOF > x\nhello $USER\nEOF\necho done").expect("lex");
        assert!(
            matches!(&l.tokens[1], Token::Redir { kind: RedirKind::Heredoc { body, expand: true }, .. } if body == "hello $USER\n")
        );
        assert_eq!(l.tokens.last().map(Token::text), Some("done".to_string()));
    }

    #[test]
    fn quoted_delimiter_and_tab_stripping() {
        let l = lex("cat <<-'END'\n\tkeep $X\n\tEND\n").expect("lex");
        assert!(
            matches!(&l.tokens[1], Token::Redir { kind: RedirKind::Heredoc { body, expand: false }, .. } if body == "keep $X\n")
        );
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert_eq!(
            lex("echo 'abc").err(),
            Some("unexpected EOF while looking for matching `''".to_string())
        );
    }

    #[test]
    fn command_substitution_nests() {
        let l = lex("echo $(echo $(echo hi) ')')").expect("lex");
        assert!(
            matches!(&l.tokens[1], Token::Word(w) if w.parts == vec![Part::Cmd { src: "echo $(echo hi) ')'".into(), quoted: false }])
        );
    }
}
