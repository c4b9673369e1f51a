#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::{Exit, Key, Mode, Vim};

/// Types keys written vim-style: plain characters, `<Esc>`, `<CR>`, `<BS>`, `<C-r>`, `<Up>`...
fn keys(v: &mut Vim, s: &str) -> Option<Exit> {
    let mut exit = None;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let (key, used) = if c == '<' {
            match rest.find('>') {
                Some(end) => {
                    let name = &rest[1..end];
                    let key = match name {
                        "Esc" => Key::Esc,
                        "CR" => Key::Enter,
                        "BS" => Key::Backspace,
                        "Del" => Key::Delete,
                        "Up" => Key::Up,
                        "Down" => Key::Down,
                        "Left" => Key::Left,
                        "Right" => Key::Right,
                        "Tab" => Key::Tab,
                        "lt" => Key::Char('<'),
                        n if n.starts_with("C-") => Key::Ctrl(n.chars().nth(2).unwrap()),
                        _ => panic!("unknown key <{name}>"),
                    };
                    (key, end + 1)
                }
                None => (Key::Char('<'), 1),
            }
        } else {
            (Key::Char(c), c.len_utf8())
        };
        rest = &rest[used..];
        assert!(exit.is_none(), "keys after the editor closed: {rest}");
        exit = v.key(key);
    }
    exit
}

fn pod() -> Vim {
    Vim::open(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - image: nginx\n    name: web\n",
        true,
    )
}

#[test]
fn opening_a_file_shows_its_size_and_a_new_file_says_new() {
    let v = pod();
    assert_eq!(v.message(), ("\"pod.yaml\" 8L, 98B", false));
    assert_eq!(v.lines().len(), 8);
    let n = Vim::open("x.yaml", "", false);
    assert_eq!(n.message().0, "\"x.yaml\" [New]");
    assert_eq!(n.text(), "");
}

#[test]
fn insert_modes_type_text_and_esc_steps_back() {
    let mut v = Vim::open("a", "abc\n", true);
    keys(&mut v, "iX<Esc>");
    assert_eq!(v.lines()[0], "Xabc");
    assert_eq!(v.cursor(), (0, 0));
    keys(&mut v, "aY<Esc>");
    assert_eq!(v.lines()[0], "XYabc");
    keys(&mut v, "A!<Esc>");
    assert_eq!(v.lines()[0], "XYabc!");
    keys(&mut v, "I>> <Esc>");
    assert_eq!(v.lines()[0], ">> XYabc!");
    keys(&mut v, "onext<Esc>");
    keys(&mut v, "Ofirst<Esc>");
    // `O` opens above the cursor, which `o` left on "next".
    assert_eq!(v.lines(), [">> XYabc!", "first", "next"].map(String::from));
    assert_eq!(v.mode(), &Mode::Normal);
}

#[test]
fn insert_mode_enter_backspace_and_tab() {
    let mut v = Vim::open("a", "ab\n", true);
    keys(&mut v, "a<CR><Tab>x<Esc>");
    assert_eq!(v.lines(), ["a", "  xb"].map(String::from));
    keys(&mut v, "0i<BS><Esc>");
    assert_eq!(v.lines(), ["a  xb"].map(String::from));
}

#[test]
fn motions_move_the_cursor() {
    let mut v = pod();
    keys(&mut v, "jjj");
    assert_eq!(v.cursor(), (3, 0));
    keys(&mut v, "$");
    assert_eq!(v.cursor(), (3, 10));
    keys(&mut v, "0w");
    assert_eq!(v.cursor(), (3, 2));
    keys(&mut v, "w");
    assert_eq!(v.cursor(), (3, 6));
    keys(&mut v, "b");
    assert_eq!(v.cursor(), (3, 2));
    keys(&mut v, "G");
    assert_eq!(v.cursor(), (7, 4));
    keys(&mut v, "gg");
    assert_eq!(v.cursor(), (0, 0));
    keys(&mut v, "4G");
    assert_eq!(v.cursor(), (3, 2));
    keys(&mut v, "<Up>ll<Down>");
    assert_eq!(v.cursor(), (3, 4));
    keys(&mut v, "2k");
    assert_eq!(v.cursor(), (1, 4));
    keys(&mut v, "h");
    assert_eq!(v.cursor(), (1, 3));
    keys(&mut v, ":7<CR>");
    assert_eq!(v.cursor(), (6, 2));
}

#[test]
fn x_deletes_characters_and_counts_repeat() {
    let mut v = Vim::open("a", "nginx:1.19\n", true);
    keys(&mut v, "$x");
    assert_eq!(v.lines()[0], "nginx:1.1");
    keys(&mut v, "03x");
    assert_eq!(v.lines()[0], "nx:1.1");
}

#[test]
fn dd_yy_p_and_counts() {
    let mut v = Vim::open("a", "one\ntwo\nthree\n", true);
    keys(&mut v, "yyp");
    assert_eq!(v.text(), "one\none\ntwo\nthree\n");
    keys(&mut v, "dd");
    assert_eq!(v.text(), "one\ntwo\nthree\n");
    assert_eq!(v.cursor(), (1, 0));
    keys(&mut v, "2dd");
    assert_eq!(v.text(), "one\n");
    keys(&mut v, "P");
    assert_eq!(v.text(), "two\nthree\none\n");
    keys(&mut v, "gg3yyP");
    assert_eq!(v.lines().len(), 6);
    assert_eq!(v.message().0, "3 more lines");
}

#[test]
fn characterwise_put_goes_after_the_cursor() {
    let mut v = Vim::open("a", "abc\n", true);
    keys(&mut v, "xp");
    assert_eq!(v.lines()[0], "bac");
    keys(&mut v, "0dwP");
    assert_eq!(v.lines()[0], "bac");
}

#[test]
fn undo_and_redo_restore_states() {
    let mut v = Vim::open("a", "one\ntwo\n", true);
    keys(&mut v, "ddihello <Esc>");
    assert_eq!(v.text(), "hello two\n");
    keys(&mut v, "u");
    assert_eq!(v.text(), "two\n");
    keys(&mut v, "u");
    assert_eq!(v.text(), "one\ntwo\n");
    keys(&mut v, "u");
    assert_eq!(v.message().0, "Already at oldest change");
    keys(&mut v, "<C-r>");
    assert_eq!(v.text(), "two\n");
    keys(&mut v, "2<C-r>");
    assert_eq!(v.text(), "hello two\n");
}

#[test]
fn search_finds_next_and_previous_and_wraps() {
    let mut v = pod();
    keys(&mut v, "/web<CR>");
    assert_eq!(v.cursor(), (3, 8));
    keys(&mut v, "n");
    assert_eq!(v.cursor(), (7, 10));
    keys(&mut v, "n");
    assert_eq!(v.cursor(), (3, 8));
    assert_eq!(v.message(), ("search hit BOTTOM, continuing at TOP", true));
    keys(&mut v, "N");
    assert_eq!(v.cursor(), (7, 10));
    keys(&mut v, "/nothere<CR>");
    assert_eq!(v.message(), ("E486: Pattern not found: nothere", true));
    keys(&mut v, "gg?kind<CR>");
    assert_eq!(v.cursor(), (1, 0));
}

#[test]
fn write_and_quit_commands() {
    let mut v = Vim::open("pod.yaml", "a\n", true);
    assert_eq!(keys(&mut v, ":q<CR>"), Some(Exit { written: None }));
    let mut v = Vim::open("pod.yaml", "a\n", true);
    keys(&mut v, "ob<Esc>");
    assert_eq!(keys(&mut v, ":q<CR>"), None);
    assert_eq!(
        v.message(),
        ("E37: No write since last change (add ! to override)", true)
    );
    keys(&mut v, ":w<CR>");
    assert_eq!(v.message(), ("\"pod.yaml\" 2L, 4B written", false));
    assert!(!v.modified());
    assert_eq!(
        keys(&mut v, ":q<CR>"),
        Some(Exit {
            written: Some("a\nb\n".into())
        })
    );
    let mut v = Vim::open("pod.yaml", "a\n", true);
    keys(&mut v, "dd");
    assert_eq!(keys(&mut v, ":q!<CR>"), Some(Exit { written: None }));
    let mut v = Vim::open("new.yaml", "", false);
    keys(&mut v, "ihi<Esc>");
    assert_eq!(
        keys(&mut v, ":wq<CR>"),
        Some(Exit {
            written: Some("hi\n".into())
        })
    );
    assert_eq!(v.message().0, "\"new.yaml\" [New] 1L, 3B written");
    let mut v = Vim::open("a", "a\n", true);
    keys(&mut v, "x");
    assert_eq!(
        keys(&mut v, "ZZ"),
        Some(Exit {
            written: Some(String::new())
        })
    );
    let mut v = Vim::open("a", "a\n", true);
    assert_eq!(keys(&mut v, ":x<CR>"), Some(Exit { written: None }));
    let mut v = Vim::open("a", "a\n", true);
    keys(&mut v, "x");
    assert_eq!(keys(&mut v, "ZQ"), Some(Exit { written: None }));
}

#[test]
fn command_line_editing_and_errors() {
    let mut v = pod();
    keys(&mut v, ":foo<CR>");
    assert_eq!(v.message(), ("E492: Not an editor command: foo", true));
    keys(&mut v, ":wx<BS><BS><BS>");
    assert_eq!(v.mode(), &Mode::Normal);
    keys(&mut v, ":q<Esc>");
    assert_eq!(v.mode(), &Mode::Normal);
    keys(&mut v, ":set bogus<CR>");
    assert_eq!(v.message(), ("E518: Unknown option: bogus", true));
}

#[test]
fn set_number_toggles_line_numbers() {
    let mut v = pod();
    keys(&mut v, ":set nu<CR>");
    assert!(v.number);
    keys(&mut v, ":set nonu<CR>");
    assert!(!v.number);
    keys(&mut v, ":set number paste<CR>");
    assert!(v.number);
}

#[test]
fn substitute_and_delete_all() {
    let mut v = pod();
    keys(&mut v, ":%s/web/api/g<CR>");
    assert!(v.text().contains("name: api\n"));
    assert!(!v.text().contains("web"));
    keys(&mut v, "u");
    assert!(v.text().contains("name: web"));
    keys(&mut v, ":%d<CR>");
    assert_eq!(v.text(), "");
    keys(&mut v, "u");
    assert_eq!(v.lines().len(), 8);
}

#[test]
fn change_word_replace_and_join() {
    let mut v = Vim::open("a", "image: nginx\n  tag\n", true);
    keys(&mut v, "wwcwhttpd<Esc>");
    assert_eq!(v.lines()[0], "image: httpd");
    keys(&mut v, "0rI");
    assert_eq!(v.lines()[0], "Image: httpd");
    keys(&mut v, "J");
    assert_eq!(v.lines()[0], "Image: httpd tag");
    keys(&mut v, "0wD");
    assert_eq!(v.lines()[0], "Image");
}

#[test]
fn paste_in_insert_mode_types_lines() {
    let mut v = Vim::open("a", "", false);
    keys(&mut v, "i");
    v.paste("a: 1\nb: 2");
    keys(&mut v, "<Esc>");
    assert_eq!(v.text(), "a: 1\nb: 2\n");
    keys(&mut v, "u");
    assert_eq!(v.text(), "");
}

#[test]
fn the_view_follows_the_cursor() {
    let text: String = (1..=100).map(|i| format!("line {i}\n")).collect();
    let mut v = Vim::open("a", &text, true);
    v.set_height(10);
    keys(&mut v, "50G");
    assert_eq!(v.top(), 40);
    keys(&mut v, "gg");
    assert_eq!(v.top(), 0);
}

#[test]
fn no_key_sequence_panics_on_an_empty_buffer() {
    for seq in [
        "x",
        "dd",
        "yyp",
        "P",
        "w",
        "b",
        "e",
        "G",
        "gg",
        "$",
        "J",
        "D",
        "u",
        "<C-r>",
        "n",
        "/a<CR>",
        "~",
        "ra",
        "cw",
        "X",
        "3dd",
        "o<BS><BS><Esc>",
        "i<Del><Esc>",
    ] {
        let mut v = Vim::open("a", "", false);
        keys(&mut v, seq);
        let (row, col) = v.cursor();
        assert!(row < v.lines().len(), "{seq}");
        assert!(col <= v.lines()[row].chars().count(), "{seq}");
    }
}

#[test]
fn search_uses_vim_regular_expressions() {
    let mut v = pod();
    // `^` anchors, `\s` and `\+` are vim's, `\w` a word character.
    keys(&mut v, "/^\\s\\+name:<CR>");
    assert_eq!(v.cursor(), (3, 0));
    assert_eq!(v.message(), ("/^\\s\\+name:", false));
    keys(&mut v, "gg/image: \\w*$<CR>");
    assert_eq!(v.cursor(), (6, 4));
    keys(&mut v, "gg/\\(Pod\\|nginx\\)<CR>");
    assert_eq!(v.cursor(), (1, 6));
    keys(&mut v, "n");
    assert_eq!(v.cursor(), (6, 11));
    // `\v` makes `+` and `(` special without a backslash.
    keys(&mut v, "gg/\\vw(e)+b<CR>");
    assert_eq!(v.cursor(), (3, 8));
    // A `[` without its `]` is a plain bracket; `.` is any character.
    keys(&mut v, "gg/k.nd<CR>");
    assert_eq!(v.cursor(), (1, 0));
    keys(&mut v, "/a\\(b<CR>");
    assert_eq!(v.message(), ("E54: Unmatched \\(", true));
    keys(&mut v, "/\\<lt>eb<CR>");
    assert_eq!(v.message(), ("E486: Pattern not found: \\<eb", true));
}

#[test]
fn ignorecase_and_smartcase_change_what_search_finds() {
    let mut v = pod();
    keys(&mut v, "/pod<CR>");
    assert_eq!(v.message(), ("E486: Pattern not found: pod", true));
    keys(&mut v, ":set ic<CR>/pod<CR>");
    assert_eq!(v.cursor(), (1, 6));
    keys(&mut v, ":set scs<CR>gg/KIND<CR>");
    assert_eq!(v.message(), ("E486: Pattern not found: KIND", true));
    keys(&mut v, "gg/KIND\\c<CR>");
    assert_eq!(v.cursor(), (1, 0));
    keys(&mut v, ":set noic<CR>gg/POD<CR>");
    assert_eq!(v.message(), ("E486: Pattern not found: POD", true));
}

#[test]
fn star_and_hash_search_the_word_under_the_cursor() {
    let mut v = pod();
    keys(&mut v, "4G$*");
    assert_eq!(v.cursor(), (7, 10));
    assert_eq!(v.message(), ("/\\<web\\>", false));
    keys(&mut v, "n");
    assert_eq!(v.cursor(), (3, 8));
    assert_eq!(v.message(), ("search hit BOTTOM, continuing at TOP", true));
    keys(&mut v, "#");
    assert_eq!(v.cursor(), (7, 10));
    assert_eq!(v.message(), ("search hit TOP, continuing at BOTTOM", true));
    let mut e = Vim::open("e", "\n", true);
    keys(&mut e, "*");
    assert_eq!(e.message(), ("E348: No string under cursor", true));
}

#[test]
fn substitute_with_groups_ampersand_and_flags() {
    let mut v = pod();
    keys(&mut v, ":%s/name: \\(\\w\\+\\)/name: \\1-v2/<CR>");
    assert!(v.text().contains("  name: web-v2\n"), "{}", v.text());
    assert!(v.text().contains("    name: web-v2\n"));
    keys(&mut v, ":%s/nginx/&:1.27/<CR>");
    assert!(v.text().contains("- image: nginx:1.27\n"));
    keys(&mut v, ":%s/POD/Deployment/<CR>");
    assert_eq!(v.message(), ("E486: Pattern not found: POD", true));
    keys(&mut v, ":%s/POD/Deployment/i<CR>");
    assert!(v.text().contains("kind: Deployment\n"));
    keys(&mut v, ":%s/^\\s*name/\\U&/g<CR>");
    assert!(v.text().contains("  NAME: web-v2\n"), "{}", v.text());
    keys(&mut v, ":%s/e/x/gn<CR>");
    assert!(!v.message().1);
    assert!(v.message().0.ends_with("lines"), "{:?}", v.message());
    keys(&mut v, ":%s/zzz/y/e<CR>");
    assert_eq!(v.message(), ("", false));
    keys(&mut v, ":s/a/b/c<CR>");
    assert!(v.message().0.contains("does not support the c"));
}

#[test]
fn substitute_on_a_line_range_with_another_delimiter_and_a_line_break() {
    let mut v = Vim::open("a", "a,b\nc,d\ne,f\n", true);
    keys(&mut v, ":2,3s#,#\\r#<CR>");
    assert_eq!(v.text(), "a,b\nc\nd\ne\nf\n");
    keys(&mut v, "u");
    assert_eq!(v.text(), "a,b\nc,d\ne,f\n");
    keys(&mut v, ":1s/\\(.\\),\\(.\\)/\\2,\\1/<CR>");
    assert_eq!(v.text(), "b,a\nc,d\ne,f\n");
    keys(&mut v, ":9s/a/b/<CR>");
    assert_eq!(v.message(), ("E16: Invalid range", true));
}
