//! `kubedojo cards export` and `kubedojo cards import`: Anki CSV out, a learner's CSV in.

use std::process::Command;

fn kubedojo(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kubedojo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("kubedojo runs")
}

#[test]
fn an_imported_csv_deck_is_exported_with_the_shipped_cards() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mine = tmp.path().join("mine.csv");
    std::fs::write(
        &mine,
        "\"What is a Pod?\",\"The smallest deployable unit\"\n",
    )
    .expect("csv");
    let out = kubedojo(tmp.path(), &["cards", "import", &mine.to_string_lossy()]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some(
            format!(
                "imported 1 cards as deck mine ({})",
                tmp.path().join("decks").join("mine.csv").display()
            )
            .as_str()
        )
    );
    let out = kubedojo(tmp.path(), &["cards", "export", "-"]);
    assert!(out.status.success(), "{out:?}");
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("#separator:Comma\n"), "{csv}");
    assert!(
        csv.contains("What is a Pod?,The smallest deployable unit,kubedojo deck::mine"),
        "{csv}"
    );
}

#[test]
fn a_bad_csv_is_refused_with_its_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "only one field\n").expect("csv");
    let out = kubedojo(tmp.path(), &["cards", "import", &bad.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv:1: expected front,back[,tags]"),
        "{err}"
    );
}
