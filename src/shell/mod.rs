//! The learner's shell: bash grammar (quotes, pipes, redirects, `&&`/`||`, here-documents, `$VAR`),
//! builtins and tools over the World's virtual file systems, and the host tools of the exam.

use crate::world::World;
use crate::Output;
use std::collections::BTreeMap;

/// The state of one interactive shell: host, working directory, variables, aliases, history.
#[derive(Debug, Clone)]
pub struct Shell {
    /// The host the shell runs on (changes with `ssh`).
    pub host: String,
    /// The host the learner started on, to come back to with `exit`.
    pub home_host: String,
    pub cwd: String,
    pub user: String,
    pub vars: BTreeMap<String, String>,
    pub aliases: BTreeMap<String, String>,
    pub history: Vec<String>,
}

impl Shell {
    /// A root shell on `host` in `/root`, with the exam's `k` alias.
    pub fn new(host: &str) -> Self {
        let mut aliases = BTreeMap::new();
        aliases.insert("k".to_string(), "kubectl".to_string());
        let mut vars = BTreeMap::new();
        vars.insert("HOME".to_string(), "/root".to_string());
        vars.insert("USER".to_string(), "root".to_string());
        vars.insert("SHELL".to_string(), "/bin/bash".to_string());
        vars.insert(
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        );
        Shell {
            host: host.to_string(),
            home_host: host.to_string(),
            cwd: "/root".to_string(),
            user: "root".to_string(),
            vars,
            aliases,
            history: Vec::new(),
        }
    }

    /// The prompt, as the exam's terminal shows it (`controlplane $ `).
    pub fn prompt(&self) -> String {
        format!("{} $ ", self.host)
    }

    /// Runs one command line and returns what the terminal shows.
    pub fn run_line(&mut self, world: &mut World, line: &str) -> Output {
        self.history.push(line.to_string());
        let words: Vec<String> = line.split_whitespace().map(String::from).collect();
        let Some(first) = words.first() else {
            return Output::default();
        };
        let cmd = self
            .aliases
            .get(first)
            .cloned()
            .unwrap_or_else(|| first.clone());
        if cmd == "kubectl" {
            let inv = crate::kubectl::Invocation {
                host: &self.host,
                cwd: &self.cwd,
                stdin: "",
            };
            return crate::kubectl::run(world, &words[1..], inv);
        }
        Output::err(format!("bash: {first}: command not found\n"), 127)
    }
}
