//! The on-disk store: one JSON file per record kind, each wrapped as `{"version": N, "data": ...}`,
//! written atomically (temp file in the same directory, fsync, rename) and recovered loudly when corrupt.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A kind of learner data kept in its own file.
pub trait Record: Serialize + DeserializeOwned + Default {
    /// The file name inside the data directory, e.g. `cards.json`.
    const FILE: &'static str;
    /// The schema version written with the data. Bump it when the format changes.
    const VERSION: u32;

    /// Upgrades data written with an older `version`. The default accepts no older version, so an old
    /// file is treated as unreadable: kept aside, and a fresh state started.
    fn migrate(from: u32, data: serde_json::Value) -> Result<Self, String> {
        let _ = data;
        Err(format!(
            "no migration from version {from} to {}",
            Self::VERSION
        ))
    }
}

/// Errors the caller must handle; a corrupt file is not one of them (see [`Recovery`]).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode {file}: {message}")]
    Encode { file: &'static str, message: String },
    #[error(
        "{} was written by a newer kubedojo (data version {found}, this build reads up to {supported}); \
         it was left untouched, upgrade kubedojo to use it",
        path.display()
    )]
    NewerVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
}

/// What happened when a file could not be read: where it was kept and why. Show it to the learner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    pub file: PathBuf,
    pub kept_as: PathBuf,
    pub reason: String,
}

impl fmt::Display for Recovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} could not be read ({}); it was kept as {} and a fresh start was made",
            self.file.display(),
            self.reason,
            self.kept_as.display()
        )
    }
}

/// A loaded record, with a notice when the file on disk was unreadable and was set aside.
#[derive(Debug)]
pub struct Loaded<T> {
    pub value: T,
    pub recovery: Option<Recovery>,
}

/// Learner data in one directory (see [`super::paths::data_dir`]).
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    clock: fn() -> DateTime<Utc>,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// A store in `dir`. The directory is created on the first save.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Store {
            dir: dir.into(),
            clock: Utc::now,
        }
    }

    /// The same store with another clock, used to stamp the names of corrupt files (tests).
    pub fn with_clock(mut self, clock: fn() -> DateTime<Utc>) -> Self {
        self.clock = clock;
        self
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of a record's file.
    pub fn path_of<T: Record>(&self) -> PathBuf {
        self.dir.join(T::FILE)
    }

    /// Loads a record. A missing file gives the default. A file that cannot be read or parsed is
    /// renamed to `<file>.corrupt-<timestamp>`, the default is returned, and `recovery` says so.
    /// Leftover temp files from an interrupted save are removed; the previous file is what counts.
    pub fn load<T: Record>(&self) -> Result<Loaded<T>, StoreError> {
        let path = self.path_of::<T>();
        self.remove_stale_temps(T::FILE);
        let text = match fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}")),
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Ok(Loaded {
                    value: T::default(),
                    recovery: None,
                })
            }
            Err(e) => Err(format!("read error: {e}")),
        };
        let parsed = text.map_err(Decode::Bad).and_then(|t| decode::<T>(&t));
        match parsed {
            Ok(value) => Ok(Loaded {
                value,
                recovery: None,
            }),
            Err(Decode::Newer(found)) => Err(StoreError::NewerVersion {
                path,
                found,
                supported: T::VERSION,
            }),
            Err(Decode::Bad(reason)) => {
                let kept_as = self.set_aside(&path)?;
                Ok(Loaded {
                    value: T::default(),
                    recovery: Some(Recovery {
                        file: path,
                        kept_as,
                        reason,
                    }),
                })
            }
        }
    }

    /// Saves a record atomically: a reader sees either the old file or the new one, never a mix.
    pub fn save<T: Record>(&self, value: &T) -> Result<(), StoreError> {
        let envelope = serde_json::json!({ "version": T::VERSION, "data": value });
        let mut text = serde_json::to_string_pretty(&envelope).map_err(|e| StoreError::Encode {
            file: T::FILE,
            message: e.to_string(),
        })?;
        text.push('\n');
        self.write_atomic(T::FILE, text.as_bytes())
    }

    fn write_atomic(&self, file: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| StoreError::Io { path, source }
        };
        fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .dir
            .join(format!(".{file}.tmp-{}-{n}", std::process::id()));
        let result = (|| {
            let mut f = fs::File::create(&tmp).map_err(io(&tmp))?;
            f.write_all(bytes).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
            let dest = self.dir.join(file);
            fs::rename(&tmp, &dest).map_err(io(&dest))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result?;
        sync_dir(&self.dir);
        Ok(())
    }

    fn set_aside(&self, path: &Path) -> Result<PathBuf, StoreError> {
        let stamp = (self.clock)().format("%Y%m%dT%H%M%SZ").to_string();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut kept = self.dir.join(format!("{name}.corrupt-{stamp}"));
        let mut i = 1;
        while kept.exists() {
            kept = self.dir.join(format!("{name}.corrupt-{stamp}-{i}"));
            i += 1;
        }
        fs::rename(path, &kept).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        sync_dir(&self.dir);
        Ok(kept)
    }

    fn remove_stale_temps(&self, file: &str) {
        let prefix = format!(".{file}.tmp-");
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

enum Decode {
    Bad(String),
    Newer(u32),
}

impl From<String> for Decode {
    fn from(s: String) -> Self {
        Decode::Bad(s)
    }
}

fn decode<T: Record>(text: &str) -> Result<T, Decode> {
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let version = value
        .get("version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| "no numeric \"version\" field".to_string())?;
    let version =
        u32::try_from(version).map_err(|_| format!("version {version} is out of range"))?;
    let data = value
        .get_mut("data")
        .map(serde_json::Value::take)
        .ok_or_else(|| "no \"data\" field".to_string())?;
    if version > T::VERSION {
        return Err(Decode::Newer(version));
    }
    if version < T::VERSION {
        return Ok(T::migrate(version, data)?);
    }
    serde_json::from_value(data).map_err(|e| Decode::Bad(format!("unexpected content: {e}")))
}

/// Makes a rename durable. Best effort: not every platform can open a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Notes {
        lines: Vec<String>,
    }

    impl Record for Notes {
        const FILE: &'static str = "notes.json";
        const VERSION: u32 = 2;
        fn migrate(from: u32, data: serde_json::Value) -> Result<Self, String> {
            match from {
                1 => {
                    let line = data.as_str().ok_or("version 1 data must be a string")?;
                    Ok(Notes {
                        lines: vec![line.to_string()],
                    })
                }
                _ => Err(format!("unknown version {from}")),
            }
        }
    }

    fn fixed_clock() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "kubedojo-store-{name}-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn notes(lines: &[&str]) -> Notes {
        Notes {
            lines: lines.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn missing_file_is_a_fresh_default() {
        let store = Store::new(temp_dir("missing"));
        let loaded = store.load::<Notes>().expect("load");
        assert_eq!(loaded.value, Notes::default());
        assert!(loaded.recovery.is_none());
    }

    #[test]
    fn save_then_load_round_trips_with_a_version() {
        let dir = temp_dir("roundtrip");
        let store = Store::new(&dir);
        store.save(&notes(&["a", "b"])).expect("save");
        let text = fs::read_to_string(dir.join("notes.json")).expect("read");
        assert!(text.contains("\"version\": 2"), "{text}");
        assert_eq!(
            store.load::<Notes>().expect("load").value,
            notes(&["a", "b"])
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn corrupt_file_is_kept_aside_with_a_message() {
        let dir = temp_dir("corrupt");
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(
            dir.join("notes.json"),
            "{\"version\": 2, \"data\": {\"lines\": [",
        )
        .expect("write");
        let store = Store::new(&dir).with_clock(fixed_clock);
        let loaded = store.load::<Notes>().expect("load");
        assert_eq!(loaded.value, Notes::default());
        let rec = loaded.recovery.expect("a recovery notice");
        assert_eq!(rec.kept_as, dir.join("notes.json.corrupt-20231114T221320Z"));
        assert!(rec.reason.contains("invalid JSON"), "{}", rec.reason);
        assert!(rec.to_string().contains("kept as"), "{rec}");
        let kept = fs::read_to_string(&rec.kept_as).expect("kept file");
        assert!(kept.starts_with("{\"version\": 2"));
        assert!(!dir.join("notes.json").exists());
        // A second corrupt file in the same second gets its own name.
        fs::write(dir.join("notes.json"), "garbage").expect("write");
        let rec2 = store
            .load::<Notes>()
            .expect("load")
            .recovery
            .expect("notice");
        assert_eq!(
            rec2.kept_as,
            dir.join("notes.json.corrupt-20231114T221320Z-1")
        );
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn wrong_shape_and_missing_version_are_corrupt_too() {
        let dir = temp_dir("shape");
        fs::create_dir_all(&dir).expect("mkdir");
        let store = Store::new(&dir);
        fs::write(dir.join("notes.json"), "{\"data\": {\"lines\": []}}").expect("write");
        let rec = store
            .load::<Notes>()
            .expect("load")
            .recovery
            .expect("notice");
        assert!(rec.reason.contains("version"), "{}", rec.reason);
        fs::write(
            dir.join("notes.json"),
            "{\"version\": 2, \"data\": {\"lines\": 3}}",
        )
        .expect("write");
        let rec = store
            .load::<Notes>()
            .expect("load")
            .recovery
            .expect("notice");
        assert!(rec.reason.contains("unexpected content"), "{}", rec.reason);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn interrupted_write_leaves_the_previous_file_intact() {
        let dir = temp_dir("interrupted");
        let store = Store::new(&dir);
        store.save(&notes(&["before"])).expect("save");
        // A crash between writing the temp file and renaming it leaves a half-written temp behind.
        let tmp = dir.join(".notes.json.tmp-999-0");
        fs::write(&tmp, "{\"version\": 2, \"data\": {\"li").expect("write tmp");
        let loaded = store.load::<Notes>().expect("load");
        assert_eq!(loaded.value, notes(&["before"]));
        assert!(loaded.recovery.is_none());
        assert!(!tmp.exists(), "stale temp file is cleaned up");
        store.save(&notes(&["after"])).expect("save");
        assert_eq!(
            store.load::<Notes>().expect("load").value,
            notes(&["after"])
        );
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .expect("readdir")
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty());
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn older_version_is_migrated_and_newer_is_left_alone() {
        let dir = temp_dir("versions");
        fs::create_dir_all(&dir).expect("mkdir");
        let store = Store::new(&dir);
        fs::write(
            dir.join("notes.json"),
            "{\"version\": 1, \"data\": \"old\"}",
        )
        .expect("write");
        assert_eq!(store.load::<Notes>().expect("load").value, notes(&["old"]));
        fs::write(dir.join("notes.json"), "{\"version\": 9, \"data\": {}}").expect("write");
        let err = store.load::<Notes>().expect_err("newer version");
        assert!(
            matches!(
                err,
                StoreError::NewerVersion {
                    found: 9,
                    supported: 2,
                    ..
                }
            ),
            "{err}"
        );
        assert!(dir.join("notes.json").exists());
        let _ = fs::remove_dir_all(dir);
    }
}
