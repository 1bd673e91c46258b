//! The run's log: human lines on stderr (or one JSON object per line with `--log-format json`, for log
//! collectors), every line also kept for `run.log` in the run folder.
//!
//! Times are RFC 3339 in UTC with milliseconds (`2026-12-02T06:15:00.123Z`): unambiguous through the October
//! clock change, comparable across hosts in different time zones, and sortable as text.

use serde::Serialize;
use std::sync::Mutex;

/// How lines are printed on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `2026-11-24T18:00:00.000Z INFO scenario: message`.
    Human,
    /// `{"time": ..., "level": ..., "scenario": ..., "message": ...}`.
    Json,
}

/// The log of one run (shared by the worker threads).
#[derive(Debug)]
pub struct Log {
    format: Format,
    quiet: bool,
    lines: Mutex<Vec<String>>,
}

/// A time as the log and `summary.json` write times: RFC 3339, UTC, milliseconds.
pub fn timestamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One line of `run --log-format json` (schema `consolidate.log/1`: `consolidate schema log`).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Line<'a> {
    /// RFC 3339, UTC, milliseconds.
    pub time: String,
    /// `INFO` or `WARN`.
    pub level: &'a str,
    /// The scenario the line is about; null for the run as a whole.
    pub scenario: Option<&'a str>,
    /// What happened, in words.
    pub message: &'a str,
}

/// The schema name of a `--log-format json` line.
pub const LOG_SCHEMA: &str = "consolidate.log/1";

impl Log {
    /// A log printing in `format` (nothing on stderr when `quiet`, but every line is still kept).
    pub fn new(format: Format, quiet: bool) -> Log {
        Log {
            format,
            quiet,
            lines: Mutex::new(Vec::new()),
        }
    }

    fn line(&self, level: &str, scenario: Option<&str>, message: String, print: bool) {
        let time = timestamp(chrono::Utc::now());
        let human = match scenario {
            Some(s) => format!("{time} {level} {s}: {message}"),
            None => format!("{time} {level} {message}"),
        };
        if print && !self.quiet {
            match self.format {
                Format::Human => eprintln!("{human}"),
                Format::Json => {
                    let json = serde_json::to_string(&Line {
                        time: time.clone(),
                        level,
                        scenario,
                        message: &message,
                    })
                    .unwrap_or_default();
                    eprintln!("{json}");
                }
            }
        }
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(human);
        }
    }

    /// A line for people watching.
    pub fn info(&self, scenario: Option<&str>, message: String) {
        self.line("INFO", scenario, message, true);
    }

    /// A problem worth a look in the morning.
    pub fn warn(&self, scenario: Option<&str>, message: String) {
        self.line("WARN", scenario, message, true);
    }

    /// Solver detail: kept in `run.log`, not printed.
    pub fn debug(&self, scenario: Option<&str>, message: String) {
        self.line("DEBUG", scenario, message, false);
    }

    /// Everything logged so far, one line each, for `run.log`.
    pub fn text(&self) -> String {
        let lines = self.lines.lock().map(|l| l.clone()).unwrap_or_default();
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}
