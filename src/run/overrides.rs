//! Applying overrides and sweep values to a model file's TOML table, expanding sweep ranges, and the small text
//! helpers the manifest's findings use (line and column of a byte offset, a key on a line, one-line causes).

use super::manifest::MAX_SWEEP_POINTS;
use crate::codes::{E1068, E1069};
use crate::model_config::ModelConfig;

/// One model key to set: an override or a sweep's parameter.
pub(super) struct Change {
    pub(super) key: String,
    pub(super) value: toml::Value,
}

/// The model table with `changes` applied, parsed and checked. A key the model lacks is E1068; a value
/// it refuses is E1069.
pub(super) fn with_changes(
    base: &toml::Table,
    changes: &[Change],
) -> Result<ModelConfig, (&'static str, String)> {
    let mut table = base.clone();
    for c in changes {
        set(&mut table, &c.key, c.value.clone()).map_err(|why| (E1068, why))?;
    }
    let text = toml::to_string(&table).map_err(|e| (E1069, e.to_string()))?;
    // Line numbers in the error would refer to this generated text, not a file anyone has: message only.
    ModelConfig::parse(&text).map_err(|why| {
        let code = if why.contains("unknown field") {
            E1068
        } else {
            E1069
        };
        (code, one_line(&why, true))
    })
}

/// Sets a dotted key in a table, creating sections on the way.
pub(super) fn set(table: &mut toml::Table, key: &str, value: toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    let well_formed = parts.iter().all(|p| !p.trim().is_empty());
    let Some((last, path)) = parts.split_last().filter(|_| well_formed) else {
        return Err(format!(
            "'{key}' is not a dotted model key like estates.access.max_km"
        ));
    };
    let mut here = table;
    for part in path {
        let next = here
            .entry(*part)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let toml::Value::Table(inner) = next else {
            return Err(format!(
                "'{part}' in '{key}' is a value, not a section of the model"
            ));
        };
        here = inner;
    }
    here.insert(last.to_string(), value);
    Ok(())
}

/// The overrides as dotted keys: nested tables (unquoted `estates.desk_ratio = 0.8`) are flattened, so
/// both spellings mean the same.
pub(super) fn flatten(overrides: &toml::Table) -> Vec<Change> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut Vec<Change>) {
        for (k, value) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match value {
                toml::Value::Table(t) if !t.is_empty() => walk(&key, t, out),
                _ => out.push(Change {
                    key,
                    value: value.clone(),
                }),
            }
        }
    }
    let mut out = Vec::new();
    walk("", overrides, &mut out);
    out
}

/// A sweep's values: `from + i * step` up to `to` (included within 1e-9 relative), rounded to 13
/// significant digits so that 0.6 + 3 * 0.1 is 0.9, not 0.9000000000000001. The error names its key.
pub(super) fn sweep_values(
    from: f64,
    to: f64,
    step: f64,
) -> Result<Vec<f64>, (&'static str, String)> {
    if !(from.is_finite() && to.is_finite() && step.is_finite()) {
        return Err(("from", "from, to and step must be finite numbers".into()));
    }
    if step <= 0.0 {
        return Err(("step", format!("step must be above 0, not {step}")));
    }
    if from > to {
        return Err(("from", format!("from ({from}) is above to ({to})")));
    }
    let steps = (to - from) / step;
    let last = (steps + 1e-9 * steps.max(1.0)).floor();
    if last >= MAX_SWEEP_POINTS as f64 {
        let n = last + 1.0;
        return Err((
            "step",
            format!("{n} values; a sweep may have at most {MAX_SWEEP_POINTS}"),
        ));
    }
    let tidy = |v: f64| format!("{v:.12e}").parse().unwrap_or(v);
    Ok((0..=last as usize)
        .map(|i| tidy(from + i as f64 * step))
        .collect())
}

/// A sweep value as TOML: whole numbers as integers, so integer keys (`procurement.min_suppliers`) can
/// be swept too (float keys accept integers).
pub(super) fn number(v: f64) -> toml::Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        toml::Value::Integer(v as i64)
    } else {
        toml::Value::Float(v)
    }
}

/// A value for a scenario name: at most 6 decimals, trailing zeros (and a bare '.') trimmed.
pub(super) fn compact(v: f64) -> String {
    crate::text::trimmed(v, 6)
}

/// A toml error on one line: the message alone (`bare`), or with toml's "at line L, column C".
pub(super) fn one_line(why: &str, bare: bool) -> String {
    let lines: Vec<&str> = why
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) if first.starts_with("TOML parse error") && bare => {
            last.to_string()
        }
        (Some(first), Some(last)) if first.starts_with("TOML parse error") => {
            format!("{first}: {last}")
        }
        _ => lines.join(" "),
    }
}

/// The 1-based line and column (in characters) of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = text
        .char_indices()
        .take_while(|&(i, _)| i < offset)
        .map(|(_, c)| c);
    before.fold((1, 1), |(line, col), c| {
        if c == '\n' {
            (line + 1, 1)
        } else {
            (line, col + 1)
        }
    })
}

/// The key of a `key = value` line, unquoted.
pub(super) fn line_key(line: &str) -> Option<&str> {
    Some(line.split_once('=')?.0.trim().trim_matches(['"', '\'']))
}

/// The first `quoted` name in a serde message ("unknown field `x`, expected ...").
pub(super) fn backticked(message: &str) -> Option<&str> {
    message.split('`').nth(1).filter(|s| !s.is_empty())
}
