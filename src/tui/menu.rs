//! The home menu's entries, and the features it announces that are not built yet.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    MockExam,
    Flashcards,
    Drills,
    Stats,
}

impl Feature {
    pub fn title(self) -> &'static str {
        match self {
            Feature::MockExam => "Mock exam",
            Feature::Flashcards => "Flashcards",
            Feature::Drills => "Drills",
            Feature::Stats => "Stats",
        }
    }

    pub fn promise(self) -> &'static str {
        match self {
            Feature::MockExam => {
                "A timed exam of several tasks across clusters, graded at the end like the real one."
            }
            Feature::Flashcards => "Spaced-repetition cards for kubectl flags, API fields and concepts.",
            Feature::Drills => "Short timed drills that build speed on the commands you type most.",
            Feature::Stats => "Your scores and times by domain, and what to practise next.",
        }
    }
}

/// The entries of the home menu, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuItem {
    Practice,
    Open(Feature),
    Quit,
}

pub const MENU: [MenuItem; 6] = [
    MenuItem::Practice,
    MenuItem::Open(Feature::MockExam),
    MenuItem::Open(Feature::Flashcards),
    MenuItem::Open(Feature::Drills),
    MenuItem::Open(Feature::Stats),
    MenuItem::Quit,
];

impl MenuItem {
    pub fn label(self) -> &'static str {
        match self {
            MenuItem::Practice => "Practice",
            MenuItem::Open(f) => f.title(),
            MenuItem::Quit => "Quit",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            MenuItem::Practice => {
                "Solve one task at a time in a simulated cluster, graded on demand"
            }
            MenuItem::Open(Feature::MockExam) => "A full timed exam (coming in a later version)",
            MenuItem::Open(Feature::Flashcards) => "Spaced-repetition cards, command cards checked",
            MenuItem::Open(Feature::Drills) => "Timed speed drills with best times",
            MenuItem::Open(Feature::Stats) => "Mastery by domain, streak, reviews per day",
            MenuItem::Quit => "Leave kubedojo",
        }
    }
}
