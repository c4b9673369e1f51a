//! Where decks come from on disk: the shipped decks, plus the CSV decks a learner imported into the
//! data directory (`<data dir>/decks/<id>.csv`).

use super::csv::{export_csv, import_csv};
use super::load::load_dir;
use super::model::Deck;
use crate::scenario::Domain;
use std::path::{Path, PathBuf};

/// The shipped decks: `$KUBEDOJO_DECKS`, else `./assets/decks`, else the source tree's.
pub fn default_decks_dir() -> PathBuf {
    if let Ok(d) = std::env::var("KUBEDOJO_DECKS") {
        return PathBuf::from(d);
    }
    let local = PathBuf::from("assets/decks");
    if local.is_dir() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/decks")
}

/// The folder of imported decks inside the data directory.
pub fn imported_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("decks")
}

/// Loads the shipped decks and the imported ones. Errors are returned as text, one per file, next to
/// whatever did load.
pub fn load_all(decks_dir: &Path, data_dir: Option<&Path>) -> (Vec<Deck>, Vec<String>) {
    let mut errors = Vec::new();
    let mut decks = load_dir(decks_dir).unwrap_or_else(|e| {
        errors.push(e.to_string());
        Vec::new()
    });
    let Some(dir) = data_dir.map(imported_dir) else {
        return (decks, errors);
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return (decks, errors);
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    paths.sort();
    for path in paths {
        match import_file(&path) {
            Ok(deck) => decks.push(deck),
            Err(e) => errors.push(e),
        }
    }
    (decks, errors)
}

/// Reads one CSV deck; its id is the file's stem.
pub fn import_file(path: &Path) -> Result<Deck, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".to_string());
    import_csv(&text, &id, &id, Domain::ALL[0])
        .map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.message))
}

/// The CSV of every card of these decks.
pub fn export_all(decks: &[Deck]) -> String {
    export_csv(decks.iter().flat_map(|d| &d.cards))
}
