//! Where learner data lives: a pure function of the command line and the environment, so tests and
//! the binary resolve it the same way without touching the real environment.

use std::path::PathBuf;

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "KUBEDOJO_DATA_DIR";

/// Why no data directory could be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "cannot choose a data directory: pass --data-dir, or set {DATA_DIR_ENV}, XDG_DATA_HOME or HOME"
)]
pub struct NoDataDir;

/// Resolves the data directory.
///
/// Order: the `--data-dir` flag, else `$KUBEDOJO_DATA_DIR`, else `$XDG_DATA_HOME/kubedojo`, else
/// `$HOME/.local/share/kubedojo`. `env` looks a variable up (pass `|k| std::env::var(k).ok()` in the
/// binary, a map in tests); empty values count as unset, and a relative `XDG_DATA_HOME` is ignored as
/// the XDG spec asks.
pub fn data_dir(
    flag: Option<PathBuf>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<PathBuf, NoDataDir> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    let var = |k: &str| env(k).filter(|v| !v.is_empty());
    if let Some(dir) = var(DATA_DIR_ENV) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(xdg) = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Ok(xdg.join("kubedojo"));
    }
    if let Some(home) = var("HOME") {
        return Ok(PathBuf::from(home)
            .join(".local")
            .join("share")
            .join("kubedojo"));
    }
    Err(NoDataDir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn flag_wins_over_everything() {
        let e = env(&[
            (DATA_DIR_ENV, "/env"),
            ("XDG_DATA_HOME", "/xdg"),
            ("HOME", "/home/a"),
        ]);
        assert_eq!(
            data_dir(Some("/flag".into()), e),
            Ok(PathBuf::from("/flag"))
        );
    }

    #[test]
    fn env_override_then_xdg_then_home() {
        let e = env(&[
            (DATA_DIR_ENV, "/env"),
            ("XDG_DATA_HOME", "/xdg"),
            ("HOME", "/home/a"),
        ]);
        assert_eq!(data_dir(None, e), Ok(PathBuf::from("/env")));
        let e = env(&[("XDG_DATA_HOME", "/xdg"), ("HOME", "/home/a")]);
        assert_eq!(data_dir(None, e), Ok(PathBuf::from("/xdg/kubedojo")));
        let e = env(&[("XDG_DATA_HOME", "relative"), ("HOME", "/home/a")]);
        assert_eq!(
            data_dir(None, e),
            Ok(PathBuf::from("/home/a/.local/share/kubedojo"))
        );
        let e = env(&[(DATA_DIR_ENV, ""), ("HOME", "/home/a")]);
        assert_eq!(
            data_dir(None, e),
            Ok(PathBuf::from("/home/a/.local/share/kubedojo"))
        );
    }

    #[test]
    fn nothing_set_is_an_error() {
        assert_eq!(data_dir(None, env(&[])), Err(NoDataDir));
    }
}
