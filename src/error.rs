//! Errors and findings.
//!
//! A [`Finding`] is one problem found in the inputs, with a stable code, the place it was found and what to do
//! about it. Validation collects every finding in one pass instead of stopping at the first. An [`Error`] is what
//! stops a command: bad usage, unreadable files, or inputs whose findings include errors.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Legal but suspicious: the run goes on.
    Warning,
    /// The inputs cannot be used until this is fixed.
    Error,
}

/// One problem found in the inputs.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Stable code: `E1xxx` for errors, `W1xxx` for warnings (listed in `src/codes.rs`).
    pub code: &'static str,
    /// Error or warning (derived from the code's first letter).
    pub severity: Severity,
    /// The file, relative to the data set folder (for example `sites.csv`).
    pub file: String,
    /// Line number as a spreadsheet shows it (header = 1); `None` for whole-file findings.
    pub row: Option<u64>,
    /// Column header; `None` when the finding is not about one column.
    pub column: Option<String>,
    /// The offending value as read (truncated to 80 characters).
    pub value: Option<String>,
    /// What is wrong.
    pub cause: String,
    /// What to do about it.
    pub action: String,
}

impl Finding {
    /// A finding about a whole file.
    pub fn file(
        code: &'static str,
        file: &str,
        cause: impl Into<String>,
        action: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity: severity_of(code),
            file: file.to_string(),
            row: None,
            column: None,
            value: None,
            cause: cause.into(),
            action: action.into(),
        }
    }

    /// Sets the row.
    pub fn at_row(mut self, row: u64) -> Self {
        self.row = Some(row);
        self
    }

    /// Sets the column.
    pub fn at_column(mut self, column: &str) -> Self {
        self.column = Some(column.to_string());
        self
    }

    /// Sets the offending value, truncated so that a huge cell cannot flood the report.
    pub fn with_value(mut self, value: &str) -> Self {
        // Control characters (from binary files) are escaped so a finding is always one printable line.
        let mut v: String = value
            .chars()
            .take(80)
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_debug().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        if value.chars().count() > 80 {
            v.push('…');
        }
        self.value = Some(v);
        self
    }

    /// True for an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

fn severity_of(code: &str) -> Severity {
    if code.starts_with('W') {
        Severity::Warning
    } else {
        Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}[{}] {}", self.code, self.file)?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(col) = &self.column {
            write!(f, " column '{col}'")?;
        }
        if let Some(v) = &self.value {
            write!(f, " value '{v}'")?;
        }
        write!(f, ": {}. {}", self.cause, self.action)
    }
}

/// What stops a command. Every variant maps to exit code 2 (see [`crate::cli::exit_code`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The inputs have error findings.
    #[error("the inputs in {dir} have {errors} error(s); see the findings above")]
    InvalidInput {
        /// The data set folder.
        dir: PathBuf,
        /// How many error findings.
        errors: usize,
        /// All findings (errors and warnings).
        findings: Vec<Finding>,
    },
    /// A model or benchmark file is wrong: one coded finding with its line and key (E1050, E1070).
    #[error("{0}")]
    Coded(Box<Finding>),
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("cannot read", "cannot write", ...).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The command line is wrong in a way clap cannot see.
    #[error("{0}")]
    Usage(String),
    /// Another error with its own message.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// A model file error from its finding.
    pub fn coded(finding: Finding) -> Self {
        Error::Coded(Box::new(finding))
    }

    /// An I/O error with context.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
