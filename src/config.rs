//! The configuration file, `$XDG_CONFIG_HOME/ipctop/config.toml`
//! (`~/.config/ipctop/config.toml` without it): defaults the command line
//! overrides. A file that cannot be used is reported, once, and ignored
//! whole: ipctop never refuses to start because of its configuration.
//!
//! ipctop often runs as root, so the file is read with care: only a
//! regular file, owned by root or by the user running ipctop and not
//! writable by everyone, behind no other user's symbolic link; opening it
//! never blocks (a FIFO planted in its place is refused, not waited on).

use std::ffi::OsString;
use std::fmt;
use std::io::Read as _;
use std::ops::Range;
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use toml::Spanned;

use crate::format;
use crate::kinds::limits::Limits;
use crate::kinds::sysv_msg::SysvMsg;
use crate::kinds::sysv_sem::SysvSem;
use crate::kinds::sysv_shm::SysvShm;
use crate::kinds::{ObjectKind, Sort};

/// Largest configuration file read, in bytes.
const MAX_SIZE: u64 = 1 << 20;

/// The colours of the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeChoice {
    /// For dark terminal backgrounds.
    #[default]
    Dark,
    /// For light terminal backgrounds.
    Light,
    /// Bright colours, bold text, nothing dimmed.
    HighContrast,
}

/// Fill levels, in percent, at which a queue is marked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Worth a look: `!`, yellow.
    pub warn: f64,
    /// Producers are about to block: `!!`, red.
    pub critical: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            warn: 80.0,
            critical: 95.0,
        }
    }
}

/// What one tab is configured to show.
#[derive(Debug, Clone, PartialEq)]
pub struct TabSettings<K: ObjectKind> {
    /// The order a fresh table has.
    pub sort: Sort<K::Column>,
    /// The columns shown (when they fit), in table order.
    pub columns: Vec<K::Column>,
}

impl<K: ObjectKind> Default for TabSettings<K> {
    fn default() -> Self {
        Self {
            sort: K::DEFAULT_SORT,
            columns: K::COLUMNS.to_vec(),
        }
    }
}

/// The effective configuration: the defaults, then the file, then the
/// command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Refresh interval.
    pub interval: Duration,
    /// Fill thresholds.
    pub thresholds: Thresholds,
    /// Change nothing in the kernel.
    pub read_only: bool,
    /// Use the mouse.
    pub mouse: bool,
    /// Colours.
    pub theme: ThemeChoice,
    /// The System V message queue tab, `[sysv_msg]`.
    pub sysv_msg: TabSettings<SysvMsg>,
    /// The System V shared-memory tab, `[sysv_shm]`.
    pub sysv_shm: TabSettings<SysvShm>,
    /// The System V semaphore set tab, `[sysv_sem]`.
    pub sysv_sem: TabSettings<SysvSem>,
    /// The system limits tab, `[limits]`.
    pub limits: TabSettings<Limits>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(1),
            thresholds: Thresholds::default(),
            read_only: false,
            mouse: true,
            theme: ThemeChoice::default(),
            sysv_msg: TabSettings::default(),
            sysv_shm: TabSettings::default(),
            sysv_sem: TabSettings::default(),
            limits: TabSettings::default(),
        }
    }
}

/// Why a configuration file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The line it is on (from 1), when the file was read.
    pub line: Option<usize>,
    /// The key it is about (`sysv_msg.sort`), when there is one.
    pub key: Option<String>,
    /// What is wrong, in words.
    pub message: String,
}

impl ConfigError {
    fn whole(message: String) -> Self {
        Self {
            line: None,
            key: None,
            message,
        }
    }

    /// The error at byte `span` of `text`.
    fn at(text: &str, span: Option<Range<usize>>, message: &str) -> Self {
        let Some(span) = span else {
            return Self::whole(message.to_owned());
        };
        let start = span.start.min(text.len());
        let line = text.as_bytes()[..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        Self {
            line: Some(line + 1),
            key: key_of_line(text, line),
            // serde's word for a key.
            message: message.trim().replace("unknown field", "unknown key"),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, &self.key) {
            (Some(line), Some(key)) => write!(f, "line {line}, key `{key}`: {}", self.message),
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            (None, Some(key)) => write!(f, "key `{key}`: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The key set on line `index` (from 0) of `text` or, for a value that
/// spans lines, on the nearest line above it that sets one; with its
/// table's name in front (`sysv_msg.sort`). A table header names the
/// table.
fn key_of_line(text: &str, index: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let header = |line: &str| {
        let line = line.trim();
        line.starts_with('[').then(|| {
            line.trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_owned()
        })
    };
    let mut at = index.min(lines.len().checked_sub(1)?);
    let key = loop {
        let line = lines[at];
        if let Some(table) = header(line) {
            return Some(table);
        }
        if let Some((key, _)) = line.split_once('=') {
            break key
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .to_owned();
        }
        at = at.checked_sub(1)?;
    };
    let table = lines[..at].iter().rev().find_map(|line| header(line));
    Some(match table {
        Some(table) => format!("{table}.{key}"),
        None => key,
    })
}

/// A refresh interval as the file writes it: `"250ms"`, `"2s"`.
#[derive(Debug, Clone, Copy)]
struct Interval(Duration);

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        crate::cli::parse_interval(&text)
            .map(Interval)
            .map_err(|e| de::Error::custom(format!("interval {text:?}: {e}")))
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format::interval(self.0))
    }
}

/// A fill threshold, from 0 to 100 percent; an integer or not.
#[derive(Debug, Clone, Copy)]
struct Percent(f64);

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Number;
        impl Visitor<'_> for Number {
            type Value = f64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage from 0 to 100")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
                Ok(v)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
                Ok(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
                Ok(v as f64)
            }
        }
        let v = d.deserialize_any(Number)?;
        if (0.0..=100.0).contains(&v) {
            Ok(Percent(v))
        } else {
            Err(de::Error::custom(format!(
                "{v} is not a percentage from 0 to 100"
            )))
        }
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

/// The column of `K`'s table whose header is `title` (any case).
fn column_titled<K: ObjectKind>(title: &str) -> Option<K::Column> {
    K::COLUMNS
        .iter()
        .copied()
        .find(|c| K::column(*c).title.eq_ignore_ascii_case(title.trim()))
}

/// The titles of `K`'s table, for error messages.
fn column_titles<K: ObjectKind>() -> String {
    let titles: Vec<&str> = K::COLUMNS.iter().map(|c| K::column(*c).title).collect();
    titles.join(", ")
}

/// Columns of `K`'s table named by their titles, in table order.
struct Columns<K: ObjectKind>(Vec<K::Column>);

impl<'de, K: ObjectKind> Deserialize<'de> for Columns<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let titles = Vec::<String>::deserialize(d)?;
        let unknown: Vec<String> = titles
            .iter()
            .filter(|t| column_titled::<K>(t).is_none())
            .map(|t| format!("{t:?}"))
            .collect();
        if !unknown.is_empty() {
            return Err(de::Error::custom(format!(
                "no column titled {} (the columns are {})",
                unknown.join(", "),
                column_titles::<K>()
            )));
        }
        let chosen: Vec<K::Column> = titles
            .iter()
            .filter_map(|t| column_titled::<K>(t))
            .collect();
        let columns: Vec<K::Column> = K::COLUMNS
            .iter()
            .copied()
            .filter(|c| chosen.contains(c))
            .collect();
        if columns.is_empty() {
            return Err(de::Error::custom("names no column; at least one is needed"));
        }
        Ok(Columns(columns))
    }
}

impl<K: ObjectKind> Serialize for Columns<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|c| K::column(*c).title))
    }
}

/// A column of `K`'s table named by its title.
struct Title<K: ObjectKind>(K::Column);

impl<'de, K: ObjectKind> Deserialize<'de> for Title<K> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let title = String::deserialize(d)?;
        column_titled::<K>(&title).map(Title).ok_or_else(|| {
            de::Error::custom(format!(
                "no column titled {title:?} (the columns are {})",
                column_titles::<K>()
            ))
        })
    }
}

impl<K: ObjectKind> Serialize for Title<K> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(K::column(self.0).title)
    }
}

/// The file as written: every key optional, no other key allowed.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct File {
    interval: Option<Interval>,
    warn: Option<Percent>,
    critical: Option<Spanned<Percent>>,
    read_only: Option<bool>,
    mouse: Option<bool>,
    theme: Option<ThemeChoice>,
    sysv_msg: Option<TabTable<SysvMsg>>,
    sysv_shm: Option<TabTable<SysvShm>>,
    sysv_sem: Option<TabTable<SysvSem>>,
    limits: Option<TabTable<Limits>>,
}

/// A tab's table (`[sysv_msg]`): how `K`'s table sorts and what it shows.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields, bound = "")]
struct TabTable<K: ObjectKind> {
    sort: Option<Spanned<Title<K>>>,
    sort_descending: Option<bool>,
    columns: Option<Columns<K>>,
}

impl<K: ObjectKind> TabTable<K> {
    /// The table that says `tab`, every key written.
    fn of(tab: &TabSettings<K>) -> Self {
        Self {
            sort: Some(Spanned::new(0..0, Title(tab.sort.column))),
            sort_descending: Some(tab.sort.descending),
            columns: Some(Columns(tab.columns.clone())),
        }
    }

    /// Sets `tab` as the table `[name]` of `text` says, if it is there.
    fn apply(
        table: Option<Self>,
        name: &str,
        text: &str,
        tab: &mut TabSettings<K>,
    ) -> Result<(), ConfigError> {
        let Some(table) = table else {
            return Ok(());
        };
        if let Some(Columns(columns)) = table.columns {
            tab.columns = columns;
        }
        if let Some(sort) = &table.sort {
            let column = sort.get_ref().0;
            tab.sort = Sort {
                column,
                descending: K::column(column).descending_first,
            };
        }
        if let Some(descending) = table.sort_descending {
            tab.sort.descending = descending;
        }
        if tab.columns.contains(&tab.sort.column) {
            return Ok(());
        }
        let message = format!(
            "the table is sorted by {}, which `columns` does not show",
            K::column(tab.sort.column).title
        );
        let span = table.sort.as_ref().map(Spanned::span);
        let mut error = ConfigError::at(text, span, &message);
        error.key.get_or_insert_with(|| format!("{name}.columns"));
        Err(error)
    }
}

/// Reads the configuration in `text`, over the defaults.
pub fn parse(text: &str) -> Result<Settings, ConfigError> {
    let file: File =
        toml::from_str(text).map_err(|e| ConfigError::at(text, e.span(), e.message()))?;
    let mut settings = Settings::default();
    if let Some(Interval(d)) = file.interval {
        settings.interval = d;
    }
    if let Some(Percent(p)) = file.warn {
        settings.thresholds.warn = p;
    }
    if let Some(critical) = &file.critical {
        settings.thresholds.critical = critical.get_ref().0;
    }
    if settings.thresholds.warn > settings.thresholds.critical {
        let message = format!(
            "warn ({}) is above critical ({})",
            settings.thresholds.warn, settings.thresholds.critical
        );
        let span = file.critical.as_ref().map(Spanned::span);
        return Err(ConfigError::at(text, span, &message));
    }
    settings.read_only = file.read_only.unwrap_or(settings.read_only);
    settings.mouse = file.mouse.unwrap_or(settings.mouse);
    settings.theme = file.theme.unwrap_or(settings.theme);
    TabTable::apply(file.sysv_msg, "sysv_msg", text, &mut settings.sysv_msg)?;
    TabTable::apply(file.sysv_shm, "sysv_shm", text, &mut settings.sysv_shm)?;
    TabTable::apply(file.sysv_sem, "sysv_sem", text, &mut settings.sysv_sem)?;
    TabTable::apply(file.limits, "limits", text, &mut settings.limits)?;
    Ok(settings)
}

/// `settings` as a configuration file: every key, each with its value.
pub fn to_toml(settings: &Settings) -> String {
    let file = File {
        interval: Some(Interval(settings.interval)),
        warn: Some(Percent(settings.thresholds.warn)),
        critical: Some(Spanned::new(0..0, Percent(settings.thresholds.critical))),
        read_only: Some(settings.read_only),
        mouse: Some(settings.mouse),
        theme: Some(settings.theme),
        sysv_msg: Some(TabTable::of(&settings.sysv_msg)),
        sysv_shm: Some(TabTable::of(&settings.sysv_shm)),
        sysv_sem: Some(TabTable::of(&settings.sysv_sem)),
        limits: Some(TabTable::of(&settings.limits)),
    };
    // Plain values, known keys: serializing cannot fail.
    toml::to_string(&file).unwrap_or_default()
}

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Neither `XDG_CONFIG_HOME` nor `HOME` is an absolute path.
    Nowhere,
    /// There is no file here.
    Missing(PathBuf),
    /// Read from this file.
    Read(PathBuf),
    /// This file was ignored, for the reason reported.
    Ignored(PathBuf),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |p: &Path| format::sanitize(&p.to_string_lossy()).into_owned();
        match self {
            Self::Nowhere => f.write_str(
                "no configuration file (neither XDG_CONFIG_HOME nor HOME is an absolute path): defaults",
            ),
            Self::Missing(p) => write!(f, "no configuration file at {}: defaults", shown(p)),
            Self::Read(p) => write!(f, "read from {}", shown(p)),
            Self::Ignored(p) => write!(f, "{} was ignored (see the warning): defaults", shown(p)),
        }
    }
}

/// The configuration as loaded, before the command line.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The file's settings over the defaults (the defaults alone when
    /// there is no usable file).
    pub settings: Settings,
    /// Where they came from.
    pub source: Source,
    /// Why the file was ignored, as a sentence naming it.
    pub warning: Option<String>,
}

/// The configuration file's path, from the values of `XDG_CONFIG_HOME`
/// and `HOME`; relative values are ignored, as the XDG spec says.
pub fn path(xdg_config_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute(xdg_config_home).or_else(|| absolute(home).map(|h| h.join(".config")))?;
    Some(base.join("ipctop").join("config.toml"))
}

/// Loads the configuration file this process's environment names.
pub fn load() -> Loaded {
    let Some(path) = path(
        std::env::var_os("XDG_CONFIG_HOME"),
        std::env::var_os("HOME"),
    ) else {
        return Loaded {
            settings: Settings::default(),
            source: Source::Nowhere,
            warning: None,
        };
    };
    load_from(path)
}

/// Loads the configuration file at `path`.
pub fn load_from(path: PathBuf) -> Loaded {
    let outcome = read(&path).and_then(|text| text.map(|t| parse(&t)).transpose());
    match outcome {
        Ok(None) => Loaded {
            settings: Settings::default(),
            source: Source::Missing(path),
            warning: None,
        },
        Ok(Some(settings)) => Loaded {
            settings,
            source: Source::Read(path),
            warning: None,
        },
        Err(e) => Loaded {
            settings: Settings::default(),
            warning: Some(format!(
                "ignoring the configuration file {}: {e}; using the defaults",
                path.to_string_lossy()
            )),
            source: Source::Ignored(path),
        },
    }
}

/// Is a file of owner `uid` one to take settings from?
fn trusted(uid: u32) -> bool {
    uid == 0 || uid == nix::unistd::geteuid().as_raw()
}

/// The text of the file at `path`; `None` when there is none.
fn read(path: &Path) -> Result<Option<String>, ConfigError> {
    let fail = |what: String| ConfigError::whole(what);
    let cannot = |e: std::io::Error| fail(format!("cannot read it: {e}"));
    let link = match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        other => other.map_err(cannot)?,
    };
    if link.file_type().is_symlink() && !trusted(link.uid()) {
        return Err(fail(format!(
            "it is a symbolic link of another user (uid {})",
            link.uid()
        )));
    }
    // Non-blocking: opening a FIFO for reading would wait for a writer.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(fail("it is not a regular file".to_owned()));
    }
    if !trusted(meta.uid()) {
        return Err(fail(format!(
            "it belongs to another user (uid {})",
            meta.uid()
        )));
    }
    if meta.mode() & 0o002 != 0 {
        return Err(fail(format!(
            "every user may change it (mode {:04o})",
            meta.mode() & 0o7777
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_SIZE {
        return Err(fail("it is larger than 1 MiB".to_owned()));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| fail("it is not UTF-8 text".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::sysv_msg::Column;

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(parse("").unwrap(), Settings::default());
        assert_eq!(parse("# nothing\n").unwrap(), Settings::default());
    }

    #[test]
    fn every_key_is_read() {
        let text = r#"
interval = "250ms"
warn = 50
critical = 75.5
read_only = true
mouse = false
theme = "high-contrast"

[sysv_msg]
sort = "msgs"
sort_descending = false
columns = ["KEY", "MSGS", "FILL", "LAST SND"]
"#;
        let s = parse(text).unwrap();
        assert_eq!(s.interval, Duration::from_millis(250));
        assert_eq!(
            s.thresholds,
            Thresholds {
                warn: 50.0,
                critical: 75.5
            }
        );
        assert!(s.read_only);
        assert!(!s.mouse);
        assert_eq!(s.theme, ThemeChoice::HighContrast);
        assert_eq!(
            s.sysv_msg.sort,
            Sort {
                column: Column::Messages,
                descending: false
            }
        );
        assert_eq!(
            s.sysv_msg.columns,
            [
                Column::Key,
                Column::Messages,
                Column::Fill,
                Column::LastSend
            ]
        );
    }

    #[test]
    fn a_sort_column_alone_sorts_in_its_first_direction() {
        let s = parse("[sysv_msg]\nsort = \"OWNER\"\n").unwrap();
        assert_eq!(
            s.sysv_msg.sort,
            Sort {
                column: Column::Owner,
                descending: false
            }
        );
    }

    fn error(text: &str) -> ConfigError {
        parse(text).expect_err("the file is refused")
    }

    #[test]
    fn syntax_errors_give_the_line() {
        let e = error("mouse = true\ninterval = \"1s\nwarn = 3\n");
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.to_string().starts_with("line 2"), "{e}");
    }

    #[test]
    fn unknown_keys_are_named_with_their_line() {
        let e = error("mouse = true\ncolour = \"red\"\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("colour")), "{e}");
        assert!(e.message.contains("unknown key `colour`"), "{e}");
        let e = error("[sysv_msg]\nsort = \"ID\"\nwidth = 3\n");
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(3), Some("sysv_msg.width")),
            "{e}"
        );
        let e = error("[shm]\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("shm")), "{e}");
    }

    #[test]
    fn bad_intervals_are_refused() {
        let e = error("interval = \"10ms\"\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("interval")));
        assert!(e.message.contains("between 100ms and 60s"), "{e}");
        assert!(error("interval = \"soon\"").message.contains("soon"));
    }

    #[test]
    fn unknown_column_titles_are_named() {
        let e = error("[sysv_msg]\ncolumns = [\n  \"KEY\",\n  \"SIZE\",\n  \"BOGUS\",\n]\n");
        assert_eq!(e.key.as_deref(), Some("sysv_msg.columns"), "{e}");
        assert!(
            e.message.contains("\"SIZE\", \"BOGUS\"") && e.message.contains("FILL"),
            "{e}"
        );
        let e = error("[sysv_msg]\nsort = \"SIZE\"\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("sysv_msg.sort")));
        assert!(
            error("[sysv_msg]\ncolumns = []\n")
                .message
                .contains("no column")
        );
    }

    #[test]
    fn the_sort_column_must_be_shown() {
        let e = error("[sysv_msg]\ncolumns = [\"KEY\", \"ID\"]\n");
        assert_eq!(e.key.as_deref(), Some("sysv_msg.columns"), "{e}");
        assert!(e.message.contains("FILL"), "{e}");
        let e = error("[sysv_msg]\nsort = \"MSGS\"\ncolumns = [\"KEY\"]\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("sysv_msg.sort")));
    }

    #[test]
    fn each_tab_has_its_table() {
        use crate::kinds::{limits, sysv_sem};
        let s = parse(
            "[sysv_sem]\nsort = \"key\"\ncolumns = [\"ID\", \"KEY\"]\n\
             [limits]\nsort = \"what it limits\"\nsort_descending = true\n",
        )
        .unwrap();
        assert_eq!(
            s.sysv_sem.sort,
            Sort {
                column: sysv_sem::Column::Key,
                descending: false
            }
        );
        assert_eq!(
            s.sysv_sem.columns,
            [sysv_sem::Column::Key, sysv_sem::Column::Id]
        );
        assert_eq!(
            s.limits.sort,
            Sort {
                column: limits::Column::About,
                descending: true
            }
        );
        assert_eq!(s.limits.columns, limits::Limits::COLUMNS);
        assert_eq!(s.sysv_msg, Settings::default().sysv_msg);

        let e = error("[sysv_sem]\ncolumns = [\"KEY\", \"ID\"]\n");
        assert_eq!(e.key.as_deref(), Some("sysv_sem.columns"), "{e}");
        assert!(e.message.contains("WAITING"), "{e}");
        let e = error("[limits]\nsort = \"FILL\"\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("limits.sort")));
        assert!(e.message.contains("NAME, WHAT IT LIMITS, LIMIT"), "{e}");
        let e = error("[sysv_sem]\nwidth = 3\n");
        assert_eq!(e.key.as_deref(), Some("sysv_sem.width"), "{e}");
    }

    #[test]
    fn wrong_types_and_values_are_refused() {
        let e = error("read_only = \"yes\"\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(1), Some("read_only")));
        assert!(error("interval = 5").message.contains("string"));
        assert!(error("theme = \"blue\"").message.contains("high-contrast"));
        assert!(error("warn = 120").message.contains("0 to 100"));
        let e = error("warn = 90\ncritical = 85\n");
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("critical")));
    }

    #[test]
    fn printed_settings_read_back_the_same() {
        let mut s = Settings::default();
        assert_eq!(parse(&to_toml(&s)).unwrap(), s);
        s = parse("interval = \"1.5s\"\nwarn = 12.5\ntheme = \"light\"\n[sysv_msg]\ncolumns = [\"FILL\"]\n")
            .unwrap();
        assert_eq!(parse(&to_toml(&s)).unwrap(), s);
        s = parse(
            "[sysv_sem]\nsort = \"ID\"\ncolumns = [\"ID\"]\n[limits]\nsort_descending = true\n",
        )
        .unwrap();
        assert_eq!(parse(&to_toml(&s)).unwrap(), s);
    }

    #[test]
    fn the_path_follows_xdg() {
        let p = |x: Option<&str>, h: Option<&str>| path(x.map(Into::into), h.map(Into::into));
        let at = |s: &str| Some(PathBuf::from(s));
        assert_eq!(p(Some("/x"), Some("/h")), at("/x/ipctop/config.toml"));
        assert_eq!(
            p(Some("rel"), Some("/h")),
            at("/h/.config/ipctop/config.toml")
        );
        assert_eq!(p(Some(""), Some("/h")), at("/h/.config/ipctop/config.toml"));
        assert_eq!(p(None, Some("rel")), None);
        assert_eq!(p(None, None), None);
    }
}
