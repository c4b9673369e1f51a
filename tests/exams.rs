//! Exam set files: the shipped ones load; each file in tests/invalid_exams gives its exact message.

use kubedojo::scenario::load::{default_dir, load_dir};
use kubedojo::session::exam::set::{load_set, load_sets};
use std::path::Path;

#[test]
fn invalid_exam_files_name_file_line_and_column() {
    let (library, _) = load_dir(&default_dir());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid_exams");
    let cases = [
        (
            "unknown-task.toml",
            "6:3: unknown task \"no-such-task\": no scenario has this id (`kubedojo list` shows them)",
        ),
        ("both-exams.toml", "3:8: exam must be \"cka\" or \"ckad\""),
    ];
    for (file, expected) in cases {
        let path = dir.join(file);
        let e = load_set(&path, &library).expect_err(file);
        assert_eq!(e.to_string(), format!("{}:{expected}", path.display()));
    }
    let (_, errors) = load_sets(&dir, &library);
    assert_eq!(errors.len(), 2);
}
