//! Builds the command tree from tokens: lists (`;`, `&`, newlines), and-or chains (`&&`, `||`),
//! pipelines, simple commands with assignments and redirections, and `( ... )` subshells. Aliases are
//! expanded here, on the command word, as bash does while reading.

mod compound;

use super::lexer::{lex, Op, RedirKind, Token, Word};
use std::collections::BTreeMap;

/// Commands separated by `;`, `&` or newlines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct List {
    /// The and-or lists, run in order.
    pub items: Vec<AndOr>,
}

/// Pipelines joined by `&&` and `||`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndOr {
    /// The pipeline that always runs.
    pub first: Pipeline,
    /// Each following pipeline, with `true` for `&&` and `false` for `||`.
    pub rest: Vec<(bool, Pipeline)>,
}

/// Commands joined by `|`; `!` negates the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// Whether a leading `!` inverts the status.
    pub negate: bool,
    /// The commands, left to right.
    pub cmds: Vec<Command>,
}

/// One command of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Assignments, words and redirections.
    Simple(Simple),
    /// `( list )` with its redirections.
    Subshell(List, Vec<Redir>),
    /// `{ ...; }`, `for`, `while`/`until`, `if`, `case`, with their redirections.
    Compound(Compound, Vec<Redir>),
    /// `NAME() { ...; }`: defines a shell function.
    Function(String, Box<Compound>),
}

/// The compound commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compound {
    /// `{ list; }`
    Group(List),
    /// `for VAR [in WORDS]; do BODY; done`
    For {
        /// The loop variable.
        var: String,
        /// The words it takes in turn.
        words: Vec<Word>,
        /// The loop body.
        body: List,
    },
    /// `while COND; do BODY; done` (`until` when `until` is set).
    While {
        /// `until` rather than `while`: loop while the condition fails.
        until: bool,
        /// The condition.
        cond: List,
        /// The loop body.
        body: List,
    },
    /// `case WORD in PATTERN|PATTERN) BODY;; ... esac`
    Case {
        /// The word matched.
        word: Word,
        /// Each arm's patterns and body.
        arms: Vec<(Vec<Word>, List)>,
    },
    /// `if COND; then BODY; [elif COND; then BODY;]... [else BODY;] fi`
    If {
        /// Each condition with its body (`if` first, then the `elif`s).
        branches: Vec<(List, List)>,
        /// The `else` body.
        otherwise: Option<List>,
    },
}

/// `NAME=value ... word ... redirections`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simple {
    /// `NAME=value` words before the command name.
    pub assigns: Vec<(String, Word)>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    /// Redirections, applied left to right.
    pub redirs: Vec<Redir>,
}

/// A redirection: the descriptor it applies to, its kind, and its target word (empty for heredocs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redir {
    /// The descriptor redirected (0 for input, 1 by default for output).
    pub fd: u32,
    /// What kind of redirection.
    pub kind: RedirKind,
    /// The file name or descriptor number (empty for here-documents).
    pub target: Word,
}

/// The longest chain of alias expansions allowed for one command word.
const MAX_ALIAS_DEPTH: usize = 16;
/// How deep `( ( ... ) )` may nest before the parser gives up.
const MAX_NESTING: usize = 64;

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Tokens from alias values, read before `tokens[pos..]` (stored reversed).
    spliced: Vec<Token>,
    aliases: BTreeMap<String, String>,
    depth: usize,
    /// How many `case` arms enclose the list being read (`;;` ends a list there).
    in_case: usize,
}

/// Reads an input one complete command at a time, as interactive bash does: each command runs
/// before the next is parsed, so an alias defined on one line applies on the next, and a syntax
/// error costs only the rest of its own line.
pub struct Stream {
    p: Parser,
    /// Warnings from reading the input (unterminated here-documents).
    pub warnings: String,
    at_line_start: bool,
}

impl Stream {
    /// Lexes the whole input (here-document bodies follow their lines). Errors are bash's messages
    /// without the `bash: ` prefix.
    pub fn new(src: &str) -> Result<Self, String> {
        let lexed = lex(src)?;
        let p = Parser {
            tokens: lexed.tokens,
            pos: 0,
            spliced: Vec::new(),
            aliases: BTreeMap::new(),
            depth: 0,
            in_case: 0,
        };
        Ok(Stream {
            p,
            warnings: lexed.warnings,
            at_line_start: true,
        })
    }

    /// The next and-or list, parsed with the aliases in force when its line began; `None` at the end.
    pub fn next(&mut self, aliases: &BTreeMap<String, String>) -> Option<Result<AndOr, String>> {
        loop {
            if self.at_line_start {
                self.p.aliases = aliases.clone();
            }
            match self.p.peek_op() {
                Some(Op::Newline) => {
                    self.p.next();
                    self.at_line_start = true;
                    continue;
                }
                None if self.p.peek().is_none() => return None,
                _ => break,
            }
        }
        self.at_line_start = false;
        if let Some(
            op @ (Op::Semi
            | Op::DSemi
            | Op::Amp
            | Op::RParen
            | Op::Pipe
            | Op::PipeAll
            | Op::And
            | Op::Or),
        ) = self.p.peek_op()
        {
            self.recover();
            return Some(Err(unexpected(&Token::Op(op))));
        }
        let item = match self.p.and_or() {
            Ok(item) => item,
            Err(e) => {
                self.recover();
                return Some(Err(e));
            }
        };
        match self.p.peek_op() {
            Some(Op::Semi | Op::Amp) => {
                self.p.next();
            }
            Some(Op::Newline) => {
                self.p.next();
                self.at_line_start = true;
            }
            None if self.p.peek().is_none() => {}
            _ => {
                let t = self.p.peek().unwrap_or(Token::Op(Op::Newline));
                self.recover();
                return Some(Err(unexpected(&t)));
            }
        }
        Some(Ok(item))
    }

    /// Skips the rest of the line after a syntax error.
    fn recover(&mut self) {
        self.p.spliced.clear();
        while let Some(t) = self.p.next() {
            if t == Token::Op(Op::Newline) {
                break;
            }
        }
        self.at_line_start = true;
    }
}

/// Lexes and parses a whole input. Errors are bash's messages without the `bash: ` prefix; the
/// string returned beside the list holds warnings (unterminated here-documents).
pub fn parse(src: &str, aliases: &BTreeMap<String, String>) -> Result<(List, String), String> {
    let lexed = lex(src)?;
    let mut p = Parser {
        tokens: lexed.tokens,
        pos: 0,
        spliced: Vec::new(),
        aliases: aliases.clone(),
        depth: 0,
        in_case: 0,
    };
    let list = p.list(false, &[])?;
    match p.peek() {
        None => Ok((list, lexed.warnings)),
        Some(t) => Err(unexpected(&t)),
    }
}

fn unexpected(t: &Token) -> String {
    format!("syntax error near unexpected token `{}'", t.text())
}

const EOF: &str = "syntax error: unexpected end of file";

fn is_assignment(w: &Word) -> Option<(String, Word)> {
    let Some(super::lexer::Part::Lit(first)) = w.parts.first() else {
        return None;
    };
    let (name, value) = first.split_once('=')?;
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        return None;
    }
    let mut parts = Vec::new();
    // `KUBECONFIG=~/x`: a tilde right after `=` expands too.
    let value = match value.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            parts.push(super::lexer::Part::Tilde);
            rest
        }
        _ => value,
    };
    if !value.is_empty() {
        parts.push(super::lexer::Part::Lit(value.to_string()));
    }
    parts.extend(w.parts.iter().skip(1).cloned());
    Some((name.to_string(), Word { parts }))
}

impl Parser {
    fn peek(&self) -> Option<Token> {
        match self.spliced.last() {
            Some(t) => Some(t.clone()),
            None => self.tokens.get(self.pos).cloned(),
        }
    }

    fn peek_op(&self) -> Option<Op> {
        match self.spliced.last().or_else(|| self.tokens.get(self.pos)) {
            Some(Token::Op(op)) => Some(*op),
            _ => None,
        }
    }

    fn next(&mut self) -> Option<Token> {
        if let Some(t) = self.spliced.pop() {
            return Some(t);
        }
        let t = self
            .tokens
            .get_mut(self.pos)
            .map(|t| std::mem::replace(t, Token::Op(Op::Newline)));
        self.pos += 1;
        t
    }

    fn skip_newlines(&mut self) {
        while self.peek_op() == Some(Op::Newline) {
            self.next();
        }
    }

    /// Whether the next token is one of the reserved words in `words`.
    fn at_word(&self, words: &[&str]) -> bool {
        match self.spliced.last().or_else(|| self.tokens.get(self.pos)) {
            Some(Token::Word(w)) => w.plain().is_some_and(|p| words.contains(&p)),
            _ => false,
        }
    }

    /// A list, up to the end, (inside a subshell) a `)`, or one of the reserved words in `stops`.
    fn list(&mut self, in_subshell: bool, stops: &[&str]) -> Result<List, String> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            if self.at_word(stops) {
                break;
            }
            if self.in_case > 0 && self.peek_op() == Some(Op::DSemi) {
                break;
            }
            match self.peek() {
                None => break,
                Some(Token::Op(Op::RParen)) if in_subshell => break,
                Some(Token::Op(
                    op @ (Op::Semi
                    | Op::DSemi
                    | Op::Amp
                    | Op::RParen
                    | Op::Pipe
                    | Op::PipeAll
                    | Op::And
                    | Op::Or),
                )) => {
                    return Err(unexpected(&Token::Op(op)));
                }
                Some(_) => {}
            }
            items.push(self.and_or()?);
            match self.peek_op() {
                Some(Op::Semi | Op::Amp | Op::Newline) => {
                    self.next();
                }
                Some(Op::RParen) if in_subshell => break,
                Some(Op::DSemi) if self.in_case > 0 => break,
                None if self.peek().is_none() => break,
                _ => {
                    if let Some(t) = self.peek() {
                        return Err(unexpected(&t));
                    }
                    break;
                }
            }
        }
        Ok(List { items })
    }

    fn and_or(&mut self) -> Result<AndOr, String> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        while let Some(op @ (Op::And | Op::Or)) = self.peek_op() {
            self.next();
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(EOF.into());
            }
            rest.push((op == Op::And, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, String> {
        let mut negate = false;
        if let Some(Token::Word(w)) = self.peek() {
            if w.plain() == Some("!") {
                self.next();
                negate = true;
            }
        }
        let mut cmds = vec![self.command()?];
        while let Some(op @ (Op::Pipe | Op::PipeAll)) = self.peek_op() {
            self.next();
            if op == Op::PipeAll {
                let both = Redir {
                    fd: 2,
                    kind: RedirKind::DupOut,
                    target: Word {
                        parts: vec![super::lexer::Part::Lit("1".into())],
                    },
                };
                match cmds.last_mut() {
                    Some(Command::Simple(s)) => s.redirs.push(both),
                    Some(Command::Subshell(_, r) | Command::Compound(_, r)) => r.push(both),
                    Some(Command::Function(..)) | None => {}
                }
            }
            self.skip_newlines();
            if self.peek().is_none() {
                return Err(EOF.into());
            }
            cmds.push(self.command()?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self) -> Result<Command, String> {
        if let Some(f) = self.function()? {
            return Ok(f);
        }
        if self.peek_op() == Some(Op::LParen) {
            self.next();
            self.depth += 1;
            if self.depth > MAX_NESTING {
                return Err("maximum nesting depth exceeded".into());
            }
            let list = self.list(true, &[])?;
            self.depth -= 1;
            match self.next() {
                Some(Token::Op(Op::RParen)) => {}
                Some(t) => return Err(unexpected(&t)),
                None => return Err(EOF.into()),
            }
            if list.items.is_empty() {
                return Err(unexpected(&Token::Op(Op::RParen)));
            }
            let mut redirs = Vec::new();
            while let Some(Token::Redir { .. }) = self.peek() {
                redirs.push(self.redir()?);
            }
            return Ok(Command::Subshell(list, redirs));
        }
        if let Some(c) = self.compound()? {
            let mut redirs = Vec::new();
            while let Some(Token::Redir { .. }) = self.peek() {
                redirs.push(self.redir()?);
            }
            return Ok(Command::Compound(c, redirs));
        }
        let mut s = Simple::default();
        let mut alias_depth = 0;
        let mut last_alias: Vec<String> = Vec::new();
        loop {
            match self.peek() {
                Some(Token::Word(w)) => {
                    if s.words.is_empty() {
                        if let Some(a) = is_assignment(&w) {
                            self.next();
                            s.assigns.push(a);
                            continue;
                        }
                        if let Some(value) = w.plain().and_then(|n| self.aliases.get(n)).cloned() {
                            let name = w.plain().unwrap_or_default().to_string();
                            if alias_depth < MAX_ALIAS_DEPTH && !last_alias.contains(&name) {
                                if let Ok(lexed) = lex(&value) {
                                    self.next();
                                    alias_depth += 1;
                                    last_alias.push(name);
                                    self.spliced.extend(lexed.tokens.into_iter().rev());
                                    continue;
                                }
                            }
                        }
                    }
                    self.next();
                    s.words.push(w);
                }
                Some(Token::Redir { .. }) => s.redirs.push(self.redir()?),
                Some(Token::Op(op)) => {
                    if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() {
                        return Err(unexpected(&Token::Op(op)));
                    }
                    if op == Op::LParen {
                        return Err(unexpected(&Token::Op(op)));
                    }
                    break;
                }
                None => {
                    if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() {
                        return Err(EOF.into());
                    }
                    break;
                }
            }
        }
        Ok(Command::Simple(s))
    }

    fn redir(&mut self) -> Result<Redir, String> {
        let Some(Token::Redir { fd, kind }) = self.next() else {
            return Err(EOF.into());
        };
        let default_fd = match kind {
            RedirKind::In
            | RedirKind::DupIn
            | RedirKind::Heredoc { .. }
            | RedirKind::HereString => 0,
            _ => 1,
        };
        let fd = fd.unwrap_or(default_fd);
        if matches!(kind, RedirKind::Heredoc { .. }) {
            return Ok(Redir {
                fd,
                kind,
                target: Word::default(),
            });
        }
        match self.next() {
            Some(Token::Word(target)) => Ok(Redir { fd, kind, target }),
            Some(t) => Err(unexpected(&t)),
            None => Err("syntax error near unexpected token `newline'".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliases() -> BTreeMap<String, String> {
        let mut a = BTreeMap::new();
        a.insert("k".to_string(), "kubectl".to_string());
        a.insert("kgp".to_string(), "k get pods".to_string());
        a.insert("loop".to_string(), "loop".to_string());
        a
    }

    fn first_words(src: &str) -> Vec<String> {
        let (list, _) = parse(src, &aliases()).expect("parse");
        match &list.items[0].first.cmds[0] {
            Command::Simple(s) => s
                .words
                .iter()
                .map(|w| Token::Word(w.clone()).text())
                .collect(),
            Command::Subshell(..) | Command::Compound(..) | Command::Function(..) => Vec::new(),
        }
    }

    #[test]
    fn aliases_expand_on_the_command_word_only() {
        assert_eq!(first_words("kgp -A"), vec!["kubectl", "get", "pods", "-A"]);
        assert_eq!(first_words("echo k"), vec!["echo", "k"]);
        assert_eq!(first_words("loop"), vec!["loop"]);
        assert_eq!(first_words("'k' get"), vec!["k", "get"]);
    }

    #[test]
    fn syntax_errors_name_the_token() {
        let a = aliases();
        assert_eq!(
            parse("| grep x", &a).err(),
            Some("syntax error near unexpected token `|'".into())
        );
        assert_eq!(
            parse("ls ;; ls", &a).err(),
            Some("syntax error near unexpected token `;;'".into())
        );
        assert_eq!(
            parse("echo >", &a).err(),
            Some("syntax error near unexpected token `newline'".into())
        );
        assert_eq!(
            parse("ls &&", &a).err(),
            Some("syntax error: unexpected end of file".into())
        );
        assert_eq!(
            parse("ls || && ls", &a).err(),
            Some("syntax error near unexpected token `&&'".into())
        );
    }

    #[test]
    fn structure_of_a_line() {
        let (list, _) = parse("a | b && c || d; e\nf", &aliases()).expect("parse");
        assert_eq!(list.items.len(), 3);
        assert_eq!(list.items[0].first.cmds.len(), 2);
        assert_eq!(list.items[0].rest.len(), 2);
    }

    #[test]
    fn assignments_come_before_the_command() {
        let (list, _) = parse("A=1 B=\"x y\" env", &aliases()).expect("parse");
        let Command::Simple(s) = &list.items[0].first.cmds[0] else {
            unreachable!("a simple command")
        };
        assert_eq!(s.assigns.len(), 2);
        assert_eq!(s.words.len(), 1);
    }
}
