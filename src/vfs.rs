//! The virtual file system of one host: directories and text files in memory. Nothing here touches the
//! real disk.

use std::collections::BTreeMap;
use thiserror::Error;

/// Why a file operation failed; the texts are the C library's, as shell tools print them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VfsError {
    #[error("No such file or directory")]
    NotFound,
    #[error("Is a directory")]
    IsADirectory,
    #[error("Not a directory")]
    NotADirectory,
    #[error("File exists")]
    Exists,
    #[error("Directory not empty")]
    NotEmpty,
    #[error("Read-only file system")]
    ReadOnly,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Dir,
    File(String),
}

/// A file system: absolute, normalized paths to nodes. The root always exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vfs {
    nodes: BTreeMap<String, Node>,
    /// Mount points and whether each is read-only (a container's root with
    /// `readOnlyRootFilesystem`, its ConfigMap volumes); empty on a host, where all is writable.
    mounts: Vec<(String, bool)>,
}

impl Default for Vfs {
    fn default() -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert("/".to_string(), Node::Dir);
        Vfs {
            nodes,
            mounts: Vec::new(),
        }
    }
}

/// Joins `path` onto `cwd` and resolves `.` and `..`, giving an absolute path without a trailing slash.
pub fn normalize(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

impl Vfs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Declares a mount point: writes at or below `path` fail with `Read-only file system` when
    /// `read_only`; the deepest mount containing a path decides.
    pub fn set_mount(&mut self, path: &str, read_only: bool) {
        self.mounts.retain(|(p, _)| p != path);
        self.mounts.push((path.to_string(), read_only));
    }

    /// Whether writes at `path` are refused.
    pub fn is_read_only(&self, path: &str) -> bool {
        self.mounts
            .iter()
            .filter(|(m, _)| {
                m == "/" || path == m || path.starts_with(&format!("{}/", m.trim_end_matches('/')))
            })
            .max_by_key(|(m, _)| m.len())
            .is_some_and(|(_, ro)| *ro)
    }

    fn writable(&self, path: &str) -> Result<(), VfsError> {
        if self.is_read_only(path) {
            Err(VfsError::ReadOnly)
        } else {
            Ok(())
        }
    }

    pub fn exists(&self, path: &str) -> bool {
        self.nodes.contains_key(path)
    }

    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.nodes.get(path), Some(Node::Dir))
    }

    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.nodes.get(path), Some(Node::File(_)))
    }

    /// Reads a file.
    pub fn read(&self, path: &str) -> Result<&str, VfsError> {
        match self.nodes.get(path) {
            Some(Node::File(s)) => Ok(s),
            Some(Node::Dir) => Err(VfsError::IsADirectory),
            None => Err(VfsError::NotFound),
        }
    }

    /// Writes (creates or truncates) a file; its directory must exist.
    pub fn write(&mut self, path: &str, content: &str) -> Result<(), VfsError> {
        self.check_parent(path)?;
        self.writable(path)?;
        if self.is_dir(path) {
            return Err(VfsError::IsADirectory);
        }
        self.nodes
            .insert(path.to_string(), Node::File(content.to_string()));
        Ok(())
    }

    /// Appends to a file, creating it when absent.
    pub fn append(&mut self, path: &str, content: &str) -> Result<(), VfsError> {
        self.check_parent(path)?;
        self.writable(path)?;
        match self.nodes.get_mut(path) {
            Some(Node::File(s)) => {
                s.push_str(content);
                Ok(())
            }
            Some(Node::Dir) => Err(VfsError::IsADirectory),
            None => {
                self.nodes
                    .insert(path.to_string(), Node::File(content.to_string()));
                Ok(())
            }
        }
    }

    fn check_parent(&self, path: &str) -> Result<(), VfsError> {
        match self.nodes.get(parent(path)) {
            Some(Node::Dir) => Ok(()),
            Some(Node::File(_)) => Err(VfsError::NotADirectory),
            None => Err(VfsError::NotFound),
        }
    }

    /// Creates a directory and its parents (`mkdir -p`).
    pub fn mkdir_p(&mut self, path: &str) -> Result<(), VfsError> {
        let mut cur = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            cur.push('/');
            cur.push_str(part);
            match self.nodes.get(&cur) {
                Some(Node::File(_)) => return Err(VfsError::NotADirectory),
                Some(Node::Dir) => {}
                None => {
                    self.writable(&cur)?;
                    self.nodes.insert(cur.clone(), Node::Dir);
                }
            }
        }
        Ok(())
    }

    /// Creates one directory (`mkdir`): the parent must exist and the path must not.
    pub fn mkdir(&mut self, path: &str) -> Result<(), VfsError> {
        if self.exists(path) {
            return Err(VfsError::Exists);
        }
        self.check_parent(path)?;
        self.writable(path)?;
        self.nodes.insert(path.to_string(), Node::Dir);
        Ok(())
    }

    /// Removes a file, or a directory with everything below it when `recursive`.
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), VfsError> {
        if self.exists(path) {
            self.writable(path)?;
        }
        match self.nodes.get(path) {
            None => Err(VfsError::NotFound),
            Some(Node::File(_)) => {
                self.nodes.remove(path);
                Ok(())
            }
            Some(Node::Dir) => {
                if !recursive {
                    return Err(VfsError::IsADirectory);
                }
                let prefix = if path == "/" {
                    "/".to_string()
                } else {
                    format!("{path}/")
                };
                self.nodes
                    .retain(|k, _| k != path && !k.starts_with(&prefix));
                self.nodes.insert("/".into(), Node::Dir);
                Ok(())
            }
        }
    }

    /// The names directly inside a directory, sorted.
    pub fn list(&self, path: &str) -> Result<Vec<String>, VfsError> {
        match self.nodes.get(path) {
            None => return Err(VfsError::NotFound),
            Some(Node::File(_)) => return Err(VfsError::NotADirectory),
            Some(Node::Dir) => {}
        }
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        Ok(self
            .nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.len() > prefix.len() && !k[prefix.len()..].contains('/'))
            .map(|(k, _)| k[prefix.len()..].to_string())
            .collect())
    }

    /// Every file below a directory (recursive), as absolute paths.
    pub fn walk_files(&self, path: &str) -> Vec<String> {
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        self.nodes
            .iter()
            .filter(|(k, n)| k.starts_with(&prefix) && matches!(n, Node::File(_)))
            .map(|(k, _)| k.clone())
            .collect()
    }
}

impl Vfs {
    /// Every path strictly below a directory, directories included, sorted (parents before children).
    pub fn walk(&self, path: &str) -> Vec<String> {
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Moves a file, or a directory with everything below it (`mv`). The target's parent must exist; a
    /// file at the target is replaced; a directory cannot be moved into itself.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), VfsError> {
        if from == to {
            return Ok(());
        }
        let node = self.nodes.get(from).cloned().ok_or(VfsError::NotFound)?;
        self.check_parent(to)?;
        self.writable(from)?;
        self.writable(to)?;
        let below = format!("{}/", from.trim_end_matches('/'));
        if to.starts_with(&below) || from == "/" {
            return Err(VfsError::Exists);
        }
        match (&node, self.nodes.get(to)) {
            (Node::File(_), Some(Node::Dir)) => return Err(VfsError::IsADirectory),
            (Node::Dir, Some(Node::File(_))) => return Err(VfsError::NotADirectory),
            (Node::Dir, Some(Node::Dir)) if !self.walk(to).is_empty() => {
                return Err(VfsError::NotEmpty)
            }
            _ => {}
        }
        let children = self.walk(from);
        self.nodes.insert(to.to_string(), node);
        for child in children {
            if let Some(n) = self.nodes.remove(&child) {
                let rest = child.get(from.len()..).unwrap_or_default();
                self.nodes.insert(format!("{to}{rest}"), n);
            }
        }
        self.nodes.remove(from);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_directories() {
        let mut fs = Vfs::new();
        assert_eq!(fs.write("/opt/out.txt", "x"), Err(VfsError::NotFound));
        fs.mkdir_p("/opt/outputs").expect("mkdir");
        fs.write("/opt/outputs/a.txt", "a\n").expect("write");
        fs.append("/opt/outputs/a.txt", "b\n").expect("append");
        assert_eq!(fs.read("/opt/outputs/a.txt"), Ok("a\nb\n"));
        assert_eq!(fs.list("/opt"), Ok(vec!["outputs".to_string()]));
        assert_eq!(fs.read("/opt"), Err(VfsError::IsADirectory));
        fs.remove("/opt", true).expect("rm -r");
        assert!(!fs.exists("/opt/outputs/a.txt"));
    }

    #[test]
    fn rename_moves_a_tree() {
        let mut fs = Vfs::new();
        fs.mkdir_p("/a/b").expect("mkdir");
        fs.write("/a/b/f", "x").expect("write");
        fs.rename("/a", "/c").expect("rename");
        assert_eq!(fs.read("/c/b/f"), Ok("x"));
        assert!(!fs.exists("/a"));
        assert_eq!(
            fs.walk("/c"),
            vec!["/c/b".to_string(), "/c/b/f".to_string()]
        );
        assert_eq!(fs.rename("/c", "/c/b/x"), Err(VfsError::Exists));
    }

    #[test]
    fn read_only_mounts_refuse_writes() {
        let mut fs = Vfs::new();
        fs.mkdir_p("/data").expect("mkdir");
        fs.mkdir_p("/etc/cfg").expect("mkdir");
        fs.set_mount("/", true);
        fs.set_mount("/data", false);
        fs.set_mount("/etc/cfg", true);
        assert_eq!(fs.write("/x", "1"), Err(VfsError::ReadOnly));
        assert_eq!(fs.write("/etc/cfg/k", "1"), Err(VfsError::ReadOnly));
        assert_eq!(fs.mkdir_p("/tmp/a"), Err(VfsError::ReadOnly));
        fs.write("/data/x", "1").expect("a writable volume");
        fs.mkdir_p("/data/sub").expect("mkdir in a volume");
        assert_eq!(fs.remove("/etc/cfg", true), Err(VfsError::ReadOnly));
        assert_eq!(VfsError::ReadOnly.to_string(), "Read-only file system");
    }

    #[test]
    fn paths_normalize() {
        assert_eq!(normalize("/root", "x.yaml"), "/root/x.yaml");
        assert_eq!(normalize("/root", "../etc/./hosts"), "/etc/hosts");
        assert_eq!(normalize("/", ".."), "/");
    }
}
