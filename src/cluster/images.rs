//! The catalogue of images the simulated registry holds (`assets/images.toml`), and how their containers behave.

use serde::Deserialize;

/// How a container of an image behaves without a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Behaviour {
    /// Runs until stopped.
    Serve,
    /// Exits 0 at once.
    Exit,
}

/// Which shells and tools an image ships: what `kubectl exec` can start in its containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Userland {
    /// busybox (busybox, alpine and `-alpine` tags): `sh`/`ash`, `wget`, `nslookup`, `nc`, `vi`.
    Busybox,
    /// A Debian base (nginx, httpd, redis...): `bash`, `sh` (dash), coreutils, often `curl`.
    #[default]
    Debian,
    /// No shell at all (distroless, the control plane's images, pause).
    None,
}

/// One image with its tags.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub name: String,
    pub tags: Vec<String>,
    pub behaviour: Behaviour,
    #[serde(default)]
    pub ports: Vec<u16>,
    /// The shells and tools inside (Debian when not given; `-alpine` tags are busybox).
    #[serde(default)]
    pub userland: Userland,
    /// The numeric user the image runs as when the pod does not say (`USER` of its Dockerfile).
    #[serde(default)]
    pub user: i64,
    /// Programs the image adds to its userland (`curl` in curlimages/curl).
    #[serde(default)]
    pub tools: Vec<String>,
}

impl Image {
    /// The userland of one tag of the image: an `alpine` tag of a Debian image is busybox.
    pub fn userland_of(&self, reference: &str) -> Userland {
        let (_, tag) = split_reference(reference);
        if self.userland == Userland::Debian && tag.is_some_and(|t| t.contains("alpine")) {
            return Userland::Busybox;
        }
        self.userland
    }
}

/// All known images.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub version: u32,
    #[serde(rename = "image")]
    pub images: Vec<Image>,
}

/// The catalogue shipped in `assets/images.toml`.
pub const BUILTIN: &str = include_str!("../../assets/images.toml");

impl Catalog {
    /// Parses a catalogue.
    pub fn parse(text: &str) -> Result<Catalog, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The built-in catalogue. It is checked by a test, so a broken file cannot ship; should it
    /// still fail to parse, the cluster runs with no images rather than crash.
    pub fn builtin() -> Catalog {
        Catalog::parse(BUILTIN).unwrap_or(Catalog {
            version: 1,
            images: Vec::new(),
        })
    }

    /// Looks up an image reference (`nginx`, `nginx:1.25`, `docker.io/library/nginx:1.25`).
    /// `None` when the repository or the tag does not exist, as a registry would answer.
    pub fn resolve(&self, reference: &str) -> Option<&Image> {
        let (repo, tag) = split_reference(reference);
        let repo = normalize_repo(repo);
        self.images.iter().find(|i| {
            i.name == repo && (tag.is_none() || i.tags.iter().any(|t| Some(t.as_str()) == tag))
        })
    }
}

/// Splits `repo:tag` (or `repo@digest`); the tag is `latest` when absent; a digest resolves to any tag.
pub fn split_reference(reference: &str) -> (&str, Option<&str>) {
    if let Some((repo, _digest)) = reference.split_once('@') {
        return (repo, None);
    }
    let last_slash = reference.rfind('/').map(|i| i + 1).unwrap_or(0);
    match reference[last_slash..].find(':') {
        Some(i) => (
            &reference[..last_slash + i],
            Some(&reference[last_slash + i + 1..]),
        ),
        None => (reference, Some("latest")),
    }
}

/// Drops the default registry prefixes (`docker.io/library/nginx` -> `nginx`).
pub fn normalize_repo(repo: &str) -> &str {
    let r = repo.strip_prefix("docker.io/").unwrap_or(repo);
    let r = r.strip_prefix("index.docker.io/").unwrap_or(r);
    r.strip_prefix("library/").unwrap_or(r)
}

/// The fully qualified name the runtime reports (`docker.io/library/nginx:latest`).
pub fn full_name(reference: &str) -> String {
    let (repo, tag) = split_reference(reference);
    let first = repo.split('/').next().unwrap_or("");
    let has_registry =
        repo.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let repo = if has_registry {
        repo.to_string()
    } else if repo.contains('/') {
        format!("docker.io/{repo}")
    } else {
        format!("docker.io/library/{repo}")
    };
    format!("{repo}:{}", tag.unwrap_or("latest"))
}

/// The built-in catalogue, parsed on first use: a process that only runs a client-side generator
/// (`kubectl create deployment --dry-run=client`) never needs it.
#[derive(Debug, Default)]
pub struct Lazy(std::sync::OnceLock<Catalog>);

impl Lazy {
    /// The built-in catalogue, not parsed yet.
    pub fn builtin() -> Lazy {
        Lazy::default()
    }
}

impl std::ops::Deref for Lazy {
    type Target = Catalog;
    fn deref(&self) -> &Catalog {
        self.0.get_or_init(Catalog::builtin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_parses() {
        let c = Catalog::parse(BUILTIN).expect("assets/images.toml parses");
        assert!(c.images.len() > 20);
    }

    #[test]
    fn resolves_tags_and_registries() {
        let c = Catalog::builtin();
        assert!(c.resolve("nginx").is_some());
        assert!(c.resolve("docker.io/library/nginx:1.25").is_some());
        assert!(c.resolve("nginx:1.999").is_none());
        assert!(c.resolve("ngnix").is_none());
        assert!(c.resolve("kodekloud/webapp-color").is_some());
        assert_eq!(full_name("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(
            full_name("registry.k8s.io/pause:3.10"),
            "registry.k8s.io/pause:3.10"
        );
    }
}
