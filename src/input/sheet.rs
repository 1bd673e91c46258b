//! Reading one worksheet of an Excel workbook into the same [`Table`] a CSV file gives.
//!
//! Each cell becomes the text a CSV export would hold, so the row readers cannot tell the two apart: whole
//! numbers without `.0`, other numbers in the shortest form that reads back to the same value, dates as
//! YYYY-MM-DD (a date with a time of day keeps `HH:MM:SS` and is then refused like any other bad date), booleans
//! as `true`/`false`, error cells as Excel shows them (`#DIV/0!`), empty cells empty. Row numbers are the sheet's
//! (header = row 1 when the table starts at the top), the row numbers Excel shows.

use super::table::{FileSpec, Record, Table, finish, read_header, wrong_width};
use crate::codes::*;
use crate::error::Finding;
use calamine::{Data, ExcelDateTime, Range};

/// Reads a sheet's cells as the table `spec` (findings name `spec.name`; the caller relabels them).
pub(super) fn read_sheet(
    spec: FileSpec,
    range: &Range<Data>,
    findings: &mut Vec<Finding>,
) -> Option<Table> {
    let file = spec.name;
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            (
                first_row + i as u64 + 1,
                cells.iter().map(cell_text).collect(),
            )
        })
        .filter(|(_, cells): &(u64, Vec<String>)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, mut header)) = rows.next() else {
        findings.push(Finding::file(
            E1003,
            file,
            "the sheet is empty: it has no header row",
            format!(
                "write the header row ({}) in row 1 and one row per record below it",
                spec.required.join(", ")
            ),
        ));
        return None;
    };
    // A sheet's used range often runs past the last header cell (formatting, a stray note); only the columns up
    // to the last named one are the table.
    let width = header
        .iter()
        .rposition(|c| !c.trim().is_empty())
        .map_or(0, |i| i + 1);
    header.truncate(width);
    let columns = read_header(spec, &header, findings)?;
    let mut records = Vec::new();
    for (line, mut cells) in rows {
        if let Some(last) = cells.iter().rposition(|c| !c.trim().is_empty())
            && last >= width
        {
            findings.push(wrong_width(file, line, last + 1, width));
            continue;
        }
        cells.truncate(width);
        cells.resize(width, String::new());
        cells.iter_mut().for_each(|c| *c = c.trim().to_string());
        records.push(Record { line, cells });
    }
    Some(finish(spec, columns, records, findings))
}

/// The text a CSV file would hold for this cell.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => date_text(d),
        Data::DateTime(d) => number_text(d.as_f64()),
        Data::Error(e) => e.to_string(),
    }
}

/// Rust's shortest form that reads back to the same `f64`: `90` for 90.0, `0.1` for 0.1, no exponent.
pub fn number_text(f: f64) -> String {
    format!("{f}")
}

/// `YYYY-MM-DD`, with ` HH:MM:SS` only when the cell holds a time of day too.
fn date_text(d: &ExcelDateTime) -> String {
    let (y, m, day, h, min, s, ms) = d.to_ymd_hms_milli();
    if (h, min, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{m:02}-{day:02}")
    } else {
        format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    #[test]
    fn cells_read_as_a_csv_export_would_hold_them() {
        assert_eq!(cell_text(&Data::Float(90.0)), "90");
        assert_eq!(cell_text(&Data::Float(0.1)), "0.1");
        assert_eq!(cell_text(&Data::Float(-2.245)), "-2.245");
        assert_eq!(cell_text(&Data::Float(12_500_000.0)), "12500000");
        assert_eq!(cell_text(&Data::Int(-5)), "-5");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::Div0)),
            "#DIV/0!"
        );
        // 2021-03-31 is serial 44286 in Excel's 1900 system.
        let date = ExcelDateTime::new(44286.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2021-03-31");
        let noon = ExcelDateTime::new(44286.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(noon)), "2021-03-31 12:00:00");
        let iso = Data::DateTimeIso("2021-03-31T00:00:00".into());
        assert_eq!(cell_text(&iso), "2021-03-31");
    }
}
