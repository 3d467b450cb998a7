//! The one table of keys: dispatch and the help overlay both read it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::Tab;

/// Something the user asked for by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave ipctop.
    Quit,
    /// Stop like any job (Ctrl-Z); `fg` brings the screen back.
    Suspend,
    /// Show or hide the key list.
    Help,
    /// Next tab.
    NextTab,
    /// Previous tab.
    PrevTab,
    /// A tab by number.
    GoTab(Tab),
    /// Selection up one row.
    Up,
    /// Selection down one row.
    Down,
    /// Selection up one screen.
    PageUp,
    /// Selection down one screen.
    PageDown,
    /// First row.
    Top,
    /// Last row.
    Bottom,
    /// Type a filter.
    Filter,
    /// Reverse the sort order.
    SortReverse,
    /// Sort by the visible column left of the sorted one.
    SortLeft,
    /// Sort by the visible column right of the sorted one.
    SortRight,
    /// Open the menu of sort columns.
    SortMenu,
    /// Stop or resume refreshing.
    Pause,
    /// Refresh more often.
    Faster,
    /// Refresh less often.
    Slower,
    /// Refresh now (in the peek view: read the messages again).
    Refresh,
    /// Open the selected object (a queue: peek; a message: show it whole).
    Open,
    /// Remove the selected object (asks first).
    Delete,
    /// Close the view or prompt on top.
    Back,
    /// Switch a message between text and hex.
    ToggleHex,
    /// Ask which message a `msgrcv` with a given msgtyp would take.
    PickType,
    /// Save the selected message to a file.
    Save,
    /// Read the next page of messages.
    MoreMessages,
    /// Yes, in a dialog.
    Confirm,
    /// No, in a dialog.
    Cancel,
    /// Stall or resume the demo's consumer (only in `ipctop demo`).
    StallConsumer,
}

/// Where the keyboard is: each context has its own keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The table of queues.
    Browse,
    /// The table of a kind without a peek view (shared memory,
    /// semaphores): Enter shows an object's details.
    Objects,
    /// One object's details, the whole screen high.
    Detail,
    /// The table of things ipctop does not remove (the limits).
    Rows,
    /// The details of one of those.
    Reading,
    /// The list of a queue's messages.
    Peek,
    /// A confirmation dialog.
    Dialog,
    /// The sort menu.
    Menu,
    /// A tab whose kind is not built yet: only switching and refreshing.
    Placeholder,
}

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Modifiers that must be held (Shift is ignored for characters,
    /// which already carry their case).
    pub modifiers: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

/// Keys bound to one action, with the help text for it.
#[derive(Debug)]
pub struct Binding {
    /// Any of these triggers the action.
    pub keys: &'static [Key],
    /// What happens.
    pub action: Action,
    /// The help overlay's description.
    pub help: &'static str,
    /// A pair of opposites on one help line (`+` / `-`): the keys from
    /// this index on trigger this action instead.
    pub opposite: Option<(usize, Action)>,
}

const fn bind(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding {
        keys,
        action,
        help,
        opposite: None,
    }
}

/// Two opposite actions on one help line: `keys[..split]` trigger
/// `action`, the rest `opposite`.
const fn pair(
    keys: &'static [Key],
    (action, split, opposite): (Action, usize, Action),
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        action,
        help,
        opposite: Some((split, opposite)),
    }
}

/// Keys that work everywhere.
pub const GLOBAL: &[Binding] = &[
    bind(&[ctrl('c')], Action::Quit, "quit"),
    bind(&[ctrl('z')], Action::Suspend, "suspend (fg resumes)"),
    bind(
        &[ch('?'), key(KeyCode::F(1))],
        Action::Help,
        "show or hide this help",
    ),
];

/// Moving in any list.
pub const MOVEMENT: &[Binding] = &[
    bind(
        &[key(KeyCode::Up), ch('k')],
        Action::Up,
        "select previous row",
    ),
    bind(
        &[key(KeyCode::Down), ch('j')],
        Action::Down,
        "select next row",
    ),
    bind(&[key(KeyCode::PageUp)], Action::PageUp, "one screen up"),
    bind(
        &[key(KeyCode::PageDown)],
        Action::PageDown,
        "one screen down",
    ),
    bind(&[key(KeyCode::Home), ch('g')], Action::Top, "first row"),
    bind(&[key(KeyCode::End), ch('G')], Action::Bottom, "last row"),
];

/// Leaving and switching tabs, on every tab.
pub const TABS: &[Binding] = &[
    bind(&[ch('q'), key(KeyCode::F(10))], Action::Quit, "quit"),
    bind(&[key(KeyCode::Tab)], Action::NextTab, "next tab"),
    bind(&[key(KeyCode::BackTab)], Action::PrevTab, "previous tab"),
    bind(&[ch('1')], Action::GoTab(Tab::SysvMsg), "Queues tab"),
    bind(&[ch('2')], Action::GoTab(Tab::SysvShm), "Shm tab"),
    bind(&[ch('3')], Action::GoTab(Tab::SysvSem), "Sem tab"),
    bind(&[ch('4')], Action::GoTab(Tab::PosixMq), "POSIX MQ tab"),
    bind(&[ch('5')], Action::GoTab(Tab::Pipes), "Pipes tab"),
    bind(&[ch('6')], Action::GoTab(Tab::Limits), "Limits tab"),
];

/// Enter on the queue table.
pub const PEEK_OPEN: &[Binding] = &[bind(
    &[key(KeyCode::Enter)],
    Action::Open,
    "peek at the queue's messages",
)];

/// Enter on the table of a kind without a peek view.
pub const DETAIL_OPEN: &[Binding] = &[bind(
    &[key(KeyCode::Enter)],
    Action::Open,
    "show the object's details",
)];

/// Removing the selected object.
pub const DELETE: &[Binding] = &[bind(
    &[ch('d'), key(KeyCode::Delete), key(KeyCode::F(9))],
    Action::Delete,
    "remove the selected object (asks first)",
)];

/// One object's details.
pub const DETAIL: &[Binding] = &[bind(
    &[key(KeyCode::Esc), ch('q')],
    Action::Back,
    "back to the table",
)];

/// The table of a tab: filter, sort.
pub const BROWSE: &[Binding] = &[
    bind(
        &[ch('/'), key(KeyCode::F(3)), key(KeyCode::F(4))],
        Action::Filter,
        "filter: Enter applies, Esc clears",
    ),
    pair(
        &[ch('s'), ch('>'), ch('<')],
        (Action::SortRight, 2, Action::SortLeft),
        "sort by the next / previous visible column",
    ),
    bind(&[ch('S')], Action::SortReverse, "reverse the sort order"),
    bind(
        &[key(KeyCode::F(6))],
        Action::SortMenu,
        "sort menu: pick a column",
    ),
];

/// Refreshing, on every tab.
pub const REFRESHING: &[Binding] = &[
    bind(
        &[ch(' '), ch('p')],
        Action::Pause,
        "pause / resume refreshing",
    ),
    pair(
        &[ch('+'), ch('='), ch('-')],
        (Action::Faster, 2, Action::Slower),
        "refresh more / less often",
    ),
    bind(
        &[ch('r'), key(KeyCode::F(5))],
        Action::Refresh,
        "refresh now",
    ),
];

/// The message list of a queue.
pub const PEEK: &[Binding] = &[
    bind(
        &[key(KeyCode::Esc), ch('q')],
        Action::Back,
        "back (to the list, to the queues)",
    ),
    bind(
        &[key(KeyCode::Enter)],
        Action::Open,
        "show the message whole",
    ),
    bind(
        &[ch('x')],
        Action::ToggleHex,
        "text / hex view of the message",
    ),
    bind(
        &[ch('t')],
        Action::PickType,
        "which message would msgrcv take?",
    ),
    bind(
        &[ch('w')],
        Action::Save,
        "save the message's bytes to a file",
    ),
    bind(
        &[ch('n')],
        Action::MoreMessages,
        "read the next page of messages",
    ),
    bind(
        &[ch('r'), key(KeyCode::F(5))],
        Action::Refresh,
        "read the messages again",
    ),
];

/// A yes/no question.
pub const DIALOG: &[Binding] = &[
    bind(&[ch('y')], Action::Confirm, "yes"),
    bind(&[ch('n'), key(KeyCode::Esc)], Action::Cancel, "no"),
];

/// The sort menu.
pub const MENU: &[Binding] = &[
    bind(
        &[key(KeyCode::Enter)],
        Action::Open,
        "sort by the chosen column",
    ),
    bind(
        &[key(KeyCode::Esc), key(KeyCode::F(6))],
        Action::Back,
        "close the menu",
    ),
];

/// Keys of `ipctop demo` alone, on the queue table (see
/// [`demo_action`]); no other context binds them.
pub const DEMO: &[Binding] = &[bind(
    &[ch('c')],
    Action::StallConsumer,
    "demo: stall / resume the consumer (SIGSTOP / SIGCONT)",
)];

/// The demo's action for a key press on the queue table, if any.
pub fn demo_action(event: &KeyEvent) -> Option<Action> {
    DEMO.iter()
        .find(|b| b.keys.iter().any(|k| matches(k, event)))
        .map(|b| b.action)
}

/// The help lines of the demo's own keys.
pub fn demo_help_entries() -> Vec<HelpEntry> {
    DEMO.iter()
        .map(|b| HelpEntry {
            keys: binding_label(b),
            help: b.help.to_owned(),
        })
        .collect()
}

/// The key sections of `context`, in help order.
pub fn sections(context: Context) -> &'static [&'static [Binding]] {
    match context {
        Context::Browse => &[
            GLOBAL, TABS, PEEK_OPEN, DELETE, BROWSE, REFRESHING, MOVEMENT,
        ],
        Context::Objects => &[
            GLOBAL,
            TABS,
            DETAIL_OPEN,
            DELETE,
            BROWSE,
            REFRESHING,
            MOVEMENT,
        ],
        Context::Detail => &[GLOBAL, DETAIL, DELETE, MOVEMENT],
        Context::Rows => &[GLOBAL, TABS, DETAIL_OPEN, BROWSE, REFRESHING, MOVEMENT],
        Context::Reading => &[GLOBAL, DETAIL, MOVEMENT],
        Context::Placeholder => &[GLOBAL, TABS, REFRESHING],
        Context::Peek => &[GLOBAL, PEEK, MOVEMENT],
        Context::Dialog => &[DIALOG, GLOBAL],
        Context::Menu => &[GLOBAL, MENU, MOVEMENT],
    }
}

fn matches(k: &Key, event: &KeyEvent) -> bool {
    let held = event.modifiers - KeyModifiers::SHIFT;
    k.code == event.code && k.modifiers == held
}

/// The action bound to a key press in `context`, if any.
pub fn action_for(context: Context, event: &KeyEvent) -> Option<Action> {
    sections(context)
        .iter()
        .flat_map(|section| section.iter())
        .find_map(|b| {
            let at = b.keys.iter().position(|k| matches(k, event))?;
            Some(match b.opposite {
                Some((split, opposite)) if at >= split => opposite,
                _ => b.action,
            })
        })
}

/// The action of a key that works in every view, even while a prompt
/// takes text: the global keys held with Ctrl (Ctrl-C, Ctrl-Z), which no
/// prompt reads as text.
pub fn overriding(event: &KeyEvent) -> Option<Action> {
    GLOBAL
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|k| k.modifiers.contains(KeyModifiers::CONTROL) && matches(k, event))
        })
        .map(|b| b.action)
}

/// How a key is written in the help: `q`, `Ctrl-C`, `F1`, `PgDn`.
pub fn key_label(k: &Key) -> String {
    match k.code {
        KeyCode::Char(' ') => "Space".to_owned(),
        KeyCode::Char(c) if k.modifiers.contains(KeyModifiers::CONTROL) => {
            format!("Ctrl-{}", c.to_ascii_uppercase())
        }
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Up => "↑".to_owned(),
        KeyCode::Down => "↓".to_owned(),
        KeyCode::PageUp => "PgUp".to_owned(),
        KeyCode::PageDown => "PgDn".to_owned(),
        KeyCode::BackTab => "Shift-Tab".to_owned(),
        KeyCode::Delete => "Del".to_owned(),
        KeyCode::Esc => "Esc".to_owned(),
        KeyCode::Enter => "Enter".to_owned(),
        other => other.to_string(),
    }
}

/// All keys of a binding: `q, Ctrl-C`.
pub fn binding_label(b: &Binding) -> String {
    b.keys.iter().map(key_label).collect::<Vec<_>>().join(", ")
}

/// One line of the help overlay: keys and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpEntry {
    /// `q, Ctrl-C`.
    pub keys: String,
    /// `quit`.
    pub help: String,
}

/// The help overlay's lines for `context`, from its key sections. The six
/// tab keys share one line, so the list fits an 80x24 terminal.
pub fn help_entries(context: Context) -> Vec<HelpEntry> {
    let all: Vec<&Binding> = sections(context)
        .iter()
        .flat_map(|section| section.iter())
        .collect();
    let tab_keys: Vec<&Binding> = all
        .iter()
        .copied()
        .filter(|b| matches!(b.action, Action::GoTab(_)))
        .collect();
    let mut entries: Vec<HelpEntry> = Vec::new();
    // One line per action: keys of it in several sections (Ctrl-C
    // everywhere, q in the table) share it.
    let mut actions: Vec<Action> = Vec::new();
    for binding in &all {
        match binding.action {
            Action::GoTab(_) if std::ptr::eq(*binding, tab_keys[0]) => entries.push(HelpEntry {
                keys: format!(
                    "{}..{}",
                    binding_label(tab_keys[0]),
                    binding_label(tab_keys[tab_keys.len() - 1])
                ),
                help: tab_keys
                    .iter()
                    .filter_map(|b| match b.action {
                        // In key order, so the numbers go without saying.
                        Action::GoTab(tab) => Some(tab.title()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
            Action::GoTab(_) => {}
            action => match actions.iter().position(|a| *a == action) {
                Some(at) => {
                    entries[at].keys.push_str(", ");
                    entries[at].keys.push_str(&binding_label(binding));
                }
                None => {
                    actions.push(action);
                    entries.push(HelpEntry {
                        keys: binding_label(binding),
                        help: binding.help.to_owned(),
                    });
                }
            },
        }
        if matches!(binding.action, Action::GoTab(_)) && std::ptr::eq(*binding, tab_keys[0]) {
            actions.push(binding.action);
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_dispatch_to_their_actions() {
        let none = KeyModifiers::NONE;
        let browse = |code, mods| action_for(Context::Browse, &press(code, mods));
        assert_eq!(browse(KeyCode::Char('q'), none), Some(Action::Quit));
        assert_eq!(
            browse(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(browse(KeyCode::Char('c'), none), None);
        assert_eq!(
            browse(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Bottom)
        );
        assert_eq!(
            browse(KeyCode::Char('+'), KeyModifiers::SHIFT),
            Some(Action::Faster)
        );
        assert_eq!(
            browse(KeyCode::Char('3'), none),
            Some(Action::GoTab(Tab::SysvSem))
        );
        assert_eq!(browse(KeyCode::F(9), none), Some(Action::Delete));
        assert_eq!(browse(KeyCode::Char('<'), none), Some(Action::SortLeft));
        assert_eq!(
            browse(KeyCode::Char('>'), KeyModifiers::SHIFT),
            Some(Action::SortRight)
        );
        assert_eq!(browse(KeyCode::F(6), none), Some(Action::SortMenu));
        assert_eq!(browse(KeyCode::Char('s'), none), Some(Action::SortRight));
        assert_eq!(browse(KeyCode::Char('='), none), Some(Action::Faster));
        assert_eq!(browse(KeyCode::Char('-'), none), Some(Action::Slower));
        let menu = |code| action_for(Context::Menu, &press(code, none));
        assert_eq!(menu(KeyCode::Enter), Some(Action::Open));
        assert_eq!(menu(KeyCode::Esc), Some(Action::Back));
        assert_eq!(menu(KeyCode::Down), Some(Action::Down));
        let peek = |code| action_for(Context::Peek, &press(code, none));
        assert_eq!(peek(KeyCode::Char('n')), Some(Action::MoreMessages));
        assert_eq!(
            peek(KeyCode::Char('d')),
            None,
            "no removal from the message list"
        );
        let dialog = |code| action_for(Context::Dialog, &press(code, none));
        assert_eq!(dialog(KeyCode::Char('n')), Some(Action::Cancel));
        assert_eq!(dialog(KeyCode::Esc), Some(Action::Cancel));
        assert_eq!(dialog(KeyCode::Char('y')), Some(Action::Confirm));
    }

    #[test]
    fn ctrl_c_and_ctrl_z_override_every_view_and_nothing_else_does() {
        let ctrl = |c| press(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(overriding(&ctrl('c')), Some(Action::Quit));
        assert_eq!(overriding(&ctrl('z')), Some(Action::Suspend));
        // Line editing keeps its Ctrl keys; plain `q` is text in a prompt.
        assert_eq!(overriding(&ctrl('w')), None);
        assert_eq!(
            overriding(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        let help = help_entries(Context::Dialog);
        assert!(
            help.iter()
                .any(|e| e.keys == "Ctrl-Z" && e.help.starts_with("suspend")),
            "the help lists Ctrl-Z everywhere"
        );
    }

    #[test]
    fn no_key_is_bound_twice_in_a_context() {
        for context in [
            Context::Browse,
            Context::Objects,
            Context::Detail,
            Context::Rows,
            Context::Reading,
            Context::Peek,
            Context::Dialog,
            Context::Menu,
        ] {
            let all: Vec<&Key> = sections(context)
                .iter()
                .flat_map(|s| s.iter())
                .flat_map(|b| b.keys)
                .collect();
            for (i, a) in all.iter().enumerate() {
                assert!(
                    !all[i + 1..].contains(a),
                    "{a:?} bound twice in {context:?}"
                );
            }
        }
    }

    #[test]
    fn no_destructive_key_is_a_navigation_key_anywhere() {
        let movement: Vec<&Key> = MOVEMENT.iter().flat_map(|b| b.keys).collect();
        let sections = [
            TABS,
            PEEK_OPEN,
            DETAIL_OPEN,
            DELETE,
            DETAIL,
            BROWSE,
            REFRESHING,
            DIALOG,
        ];
        for binding in sections.iter().flat_map(|s| s.iter()) {
            if matches!(binding.action, Action::Delete | Action::Confirm) {
                assert!(binding.keys.iter().all(|k| !movement.contains(&k)));
            }
        }
    }

    #[test]
    fn help_has_every_action_and_one_line_for_the_tabs() {
        let entries = help_entries(Context::Browse);
        let bindings = [
            GLOBAL, TABS, PEEK_OPEN, DELETE, BROWSE, REFRESHING, MOVEMENT,
        ]
        .iter()
        .map(|s| s.len())
        .sum::<usize>();
        // Six tab keys on one line, and quit's keys of two sections on one.
        assert_eq!(entries.len(), bindings - 6);
        let tabs = entries.iter().find(|e| e.keys == "1..6").expect("tab line");
        assert!(
            tabs.help.starts_with("SysV Msg, SysV Shm,"),
            "{}",
            tabs.help
        );
        assert!(
            entries
                .iter()
                .any(|e| e.keys == "Ctrl-C, q, F10" && e.help == "quit")
        );
        // In a view on top, q goes back one level; Ctrl-C still quits.
        let peek = help_entries(Context::Peek);
        assert!(
            peek.iter()
                .any(|e| e.keys == "Esc, q" && e.help.starts_with("back"))
        );
        assert!(peek.iter().any(|e| e.keys == "Ctrl-C" && e.help == "quit"));
        // A tab not built yet lists only what works there.
        let placeholder = help_entries(Context::Placeholder);
        assert!(placeholder.iter().any(|e| e.keys == "Tab"));
        assert!(
            !placeholder
                .iter()
                .any(|e| e.help.contains("remove") || e.help.contains("filter")),
            "{placeholder:?}"
        );
        let dialog = help_entries(Context::Dialog);
        assert_eq!(dialog[0].keys, "y");
    }

    #[test]
    fn labels_read_like_the_docs() {
        assert_eq!(binding_label(&GLOBAL[0]), "Ctrl-C");
        assert_eq!(binding_label(&TABS[0]), "q, F10");
        assert_eq!(key_label(&ch(' ')), "Space");
        assert_eq!(key_label(&key(KeyCode::F(1))), "F1");
        assert_eq!(key_label(&key(KeyCode::Delete)), "Del");
    }
}
