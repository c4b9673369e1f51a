//! The study screens on a TestBackend at 80×24 and 160×48, with a frozen clock, fixture decks and
//! drills, and a temporary data directory.

use super::app::{Action, App, Screen};
use super::screens;
use super::study::{Study, StudyAction, StudyClock};
use super::theme::Theme;
use crate::cards::{CardsProgress, Rating};
use crate::progress::{Record, Store};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::Path;

const DECK: &str = r#"
[deck]
id = "basics"
title = "Basics"
[defaults]
topic = "Pods"
domain = "workloads-scheduling"
source = "k8s docs"

[[cards]]
id = "basics-run"
kind = "command"
front = "Create pod x running image nginx."
answer = "kubectl run x --image=nginx"

[[cards]]
id = "basics-qa"
kind = "qa"
front = "Which field makes a pod's container restart never?"
back = "spec.restartPolicy: Never"
"#;

const DRILLS: &str = r#"
[set]
id = "speed"
title = "Speed"
description = "Imperative commands, fast."

[[drills]]
id = "speed-pod"
title = "Pod with a label"
domain = "workloads-scheduling"
target_seconds = 30
prompt = "Create pod web (nginx) labelled tier=web."
model_answer = "kubectl run web --image=nginx -l tier=web"
"#;

fn frozen() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
}

fn study(data: &Path) -> Study {
    let assets = data.join("assets");
    let (decks, drills) = (assets.join("decks"), assets.join("drills"));
    std::fs::create_dir_all(&decks).expect("decks dir");
    std::fs::create_dir_all(&drills).expect("drills dir");
    std::fs::write(decks.join("basics.toml"), DECK).expect("deck");
    std::fs::write(drills.join("speed.toml"), DRILLS).expect("drills");
    Study::load(
        &decks,
        &drills,
        Some(&data.join("data")),
        StudyClock::Fixed(frozen()),
    )
}

fn app(data: &Path, screen: Screen) -> App {
    let mut app = App::new(Vec::new(), Vec::new(), Theme { color: false });
    app.study = study(data);
    app.screen = screen;
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| screens::render(app, frame))
        .expect("draw");
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn both_sizes(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(app, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), screen(app, 160, 48));
}

fn study_act(app: &mut App, a: StudyAction) {
    app.update(Action::Study(a));
}

#[test]
fn review_a_command_card_then_a_question_and_progress_is_saved() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = app(tmp.path(), Screen::Flashcards);
    both_sizes("flashcards_decks", &app);
    study_act(&mut app, StudyAction::Select);
    both_sizes("flashcards_front", &app);
    for c in "k run x --image nginx".chars() {
        study_act(&mut app, StudyAction::Insert(c));
    }
    study_act(&mut app, StudyAction::Select);
    both_sizes("flashcards_revealed", &app);
    study_act(&mut app, StudyAction::Rate(Rating::Good));
    let saved = Store::new(tmp.path().join("data"))
        .load::<CardsProgress>()
        .expect("load")
        .value;
    assert_eq!(saved.log.len(), 1, "saved after the rating");
    study_act(&mut app, StudyAction::Reveal);
    study_act(&mut app, StudyAction::Rate(Rating::Easy));
    both_sizes("flashcards_summary", &app);
}

#[test]
fn drills_time_the_prompt_and_keep_the_best_time() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = app(tmp.path(), Screen::Drills);
    both_sizes("drills_sets", &app);
    study_act(&mut app, StudyAction::Select);
    app.study.clock = StudyClock::Fixed(frozen() + chrono::Duration::seconds(21));
    study_act(&mut app, StudyAction::Reveal);
    both_sizes("drills_run", &app);
    study_act(&mut app, StudyAction::Score(3));
    assert_eq!(app.study.history.best_seconds("speed-pod"), Some(21));
    both_sizes("drills_summary", &app);
}

#[test]
fn stats_show_mastery_streak_and_reviews() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut app = app(tmp.path(), Screen::Flashcards);
    study_act(&mut app, StudyAction::Select);
    study_act(&mut app, StudyAction::Reveal);
    study_act(&mut app, StudyAction::Rate(Rating::Good));
    study_act(&mut app, StudyAction::Back);
    study_act(&mut app, StudyAction::Back);
    assert_eq!(app.screen, Screen::Home);
    app.screen = Screen::Stats;
    both_sizes("stats", &app);
}

#[test]
fn a_corrupt_cards_file_is_kept_aside_and_the_screen_still_opens() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    std::fs::write(data.join(CardsProgress::FILE), "{ not json").expect("corrupt file");
    let app = app(tmp.path(), Screen::Flashcards);
    assert!(
        app.study
            .notices
            .iter()
            .any(|n| n.contains("could not be read")),
        "{:?}",
        app.study.notices
    );
    let kept = std::fs::read_dir(&data)
        .expect("read data dir")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().contains(".corrupt-"));
    assert!(kept, "the corrupt file is kept aside");
    let text = screen(&app, 80, 24);
    assert!(text.contains("could not be read"), "{text}");
    assert!(text.contains("All decks"), "{text}");
}
