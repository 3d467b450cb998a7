//! The `/proc/sysvipc/*` files: a header naming the columns, then one
//! line per object. Columns are found by name, not position, so a kernel
//! that adds or moves one does not shift the others.

use std::fmt;
use std::io::BufRead;

/// A line of a `/proc/sysvipc` file that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file (`/proc/sysvipc/msg`).
    pub file: &'static str,
    /// 1-based line number in the file.
    pub line: usize,
    /// What was wrong with it.
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}: {}", self.file, self.line, self.reason)
    }
}

/// Parses `reader`, the text of `file`, whose header must name every one
/// of `columns`; `object` makes one object of each data line (blank lines
/// are skipped), reading fields by their index in `columns`.
pub fn parse_table<T>(
    file: &'static str,
    columns: &'static [&'static str],
    reader: impl BufRead,
    mut object: impl FnMut(&Row<'_>) -> Result<T, ParseError>,
) -> Result<Vec<T>, ParseError> {
    let error = |line, reason| ParseError { file, line, reason };
    let mut lines = reader.lines();
    let header = match lines.next() {
        None => return Ok(Vec::new()),
        Some(line) => line.map_err(|e| error(1, e.to_string()))?,
    };
    let names: Vec<&str> = header.split_whitespace().collect();
    let positions: Vec<usize> = columns
        .iter()
        .map(|column| {
            names
                .iter()
                .position(|n| n == column)
                .ok_or_else(|| error(1, format!("header has no column {column:?}")))
        })
        .collect::<Result<_, _>>()?;

    let mut objects = Vec::new();
    for (n, line) in lines.enumerate() {
        let number = n + 2;
        let line = line.map_err(|e| error(number, e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        objects.push(object(&Row {
            file,
            columns,
            fields: &fields,
            positions: &positions,
            line: number,
        })?);
    }
    Ok(objects)
}

/// One data line, split, with the header's column positions.
pub struct Row<'a> {
    file: &'static str,
    columns: &'static [&'static str],
    fields: &'a [&'a str],
    positions: &'a [usize],
    line: usize,
}

impl Row<'_> {
    fn error(&self, reason: String) -> ParseError {
        ParseError {
            file: self.file,
            line: self.line,
            reason,
        }
    }

    fn field(&self, column: usize) -> Result<&str, ParseError> {
        self.fields
            .get(self.positions[column])
            .copied()
            .ok_or_else(|| {
                self.error(format!(
                    "line is truncated: no {} column",
                    self.columns[column]
                ))
            })
    }

    fn invalid(&self, column: usize, text: &str) -> ParseError {
        self.error(format!(
            "{} is not a number: {text:?}",
            self.columns[column]
        ))
    }

    /// The field of `columns[column]`, as a decimal number.
    pub fn decimal<T: std::str::FromStr>(&self, column: usize) -> Result<T, ParseError> {
        let text = self.field(column)?;
        text.parse().map_err(|_| self.invalid(column, text))
    }

    /// The field of `columns[column]`, as octal digits (perms).
    pub fn octal(&self, column: usize) -> Result<u32, ParseError> {
        let text = self.field(column)?;
        u32::from_str_radix(text, 8).map_err(|_| self.invalid(column, text))
    }
}

/// An object by id as `IPC_STAT` (`stat`) gives it; `None` when there
/// is none; without read permission (an owner may remove an object it may
/// not read), found by `scan` of the whole table.
pub fn stat_or_scan<T>(
    stat: Result<T, crate::sys::SysError>,
    scan: impl FnOnce() -> Result<Option<T>, super::CollectError>,
) -> Result<Option<T>, super::CollectError> {
    use crate::sys::Errno;
    match stat {
        Ok(object) => Ok(Some(object)),
        Err(e) if matches!(e.errno, Errno::EINVAL | Errno::EIDRM) => Ok(None),
        Err(e) if e.errno == Errno::EACCES => scan(),
        Err(e) => Err(e.into()),
    }
}

/// One `*_STAT_ANY` call (`stat_any`) per index up to `highest_index`,
/// each found object made by `object(id, stat)`. Empty slots and objects
/// removed mid-scan are skipped; a slot the kernel refuses (a security
/// module may) is counted, never fatal: one object must not hide all the
/// others.
pub fn stat_loop<S, T>(
    highest_index: i32,
    stat_any: impl Fn(i32) -> Result<Option<(i32, S)>, crate::sys::SysError>,
    object: impl Fn(i32, &S) -> T,
) -> (Vec<T>, u32) {
    let mut objects = Vec::with_capacity(usize::try_from(highest_index + 1).unwrap_or(0));
    let mut unreadable = 0;
    for index in 0..=highest_index {
        match stat_any(index) {
            Ok(Some((id, stat))) => objects.push(object(id, &stat)),
            Ok(None) => {}
            Err(_) => unreadable += 1,
        }
    }
    (objects, unreadable)
}
