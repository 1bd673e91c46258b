//! `consolidate export-xlsx DIR [--out FILE]`: a data set folder as an Excel workbook, the template a user fills in.
//!
//! One sheet per table the folder holds, named like the CSV file without `.csv` (the layout `validate`, `plan`
//! and the other commands read back), in the order the tables are read. Cells are copied as the CSV holds them:
//! a cell becomes a number cell only when the number reads back as exactly the same text (`90`, `0.35`; not `007`
//! or `1e3`), `true`/`false` become boolean cells, everything else stays text; so a workbook read back gives the
//! same records as the folder. The header row is bold and frozen. A folder without any table (or one that does
//! not exist) gives an empty template: every table's header, required columns first, then the optional ones.

use super::{ExportXlsxArgs, Status};
use crate::codes::*;
use crate::error::{Error, Finding};
use crate::input::sheet::number_text;
use crate::input::source::{dataset_name, sheet_name};
use crate::input::table::{FileSpec, MAX_FILE_BYTES, decode};
use crate::input::{TABLES, source::is_workbook};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::{Path, PathBuf};

/// Rows of text cells, header first.
type Rows = Vec<Vec<String>>;

/// Runs the command.
pub(super) fn run(args: &ExportXlsxArgs) -> Result<Status, Error> {
    let mut findings = Vec::new();
    let tables = read_tables(&args.dir, &mut findings)?;
    for f in &findings {
        eprintln!("{f}");
    }
    let errors = findings.iter().filter(|f| f.is_error()).count();
    if errors > 0 {
        return Err(Error::InvalidInput {
            dir: args.dir.clone(),
            errors,
            findings,
        });
    }
    let template = tables.is_empty();
    let sheets: Vec<(FileSpec, Rows)> = if template {
        TABLES.iter().map(|s| (*s, vec![header_of(*s)])).collect()
    } else {
        tables
    };
    let bytes = workbook(&sheets)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.dir));
    crate::atomic::write_file(&out, &bytes)?;
    if template {
        outln!(
            "wrote an empty template ({} sheets, every column) into {}",
            sheets.len(),
            out.display()
        );
    } else {
        let rows: usize = sheets.iter().map(|(_, r)| r.len().saturating_sub(1)).sum();
        outln!(
            "wrote {} sheets ({rows} rows) of {} into {}",
            sheets.len(),
            args.dir.display(),
            out.display()
        );
    }
    Ok(Status::Clean)
}

/// `<DIR name>.xlsx` in the working folder, so `models/<DIR name>.toml` still finds the data set's model.
fn default_out(dir: &Path) -> PathBuf {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dataset_name(dir).map(str::to_string))
        .unwrap_or_else(|| "data".to_string());
    PathBuf::from(format!("{name}.xlsx"))
}

/// Every table CSV file of `dir` as rows of text, decoded like `validate` decodes it (W1014 and E1004 findings
/// included). An absent folder has no tables; a path that is a file is refused (E1008).
fn read_tables(dir: &Path, findings: &mut Vec<Finding>) -> Result<Vec<(FileSpec, Rows)>, Error> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    if !dir.is_dir() {
        let cause = if is_workbook(dir) {
            "the path is already a workbook; export-xlsx reads a folder of CSV files"
        } else {
            "the path is not a folder"
        };
        let finding = Finding::file(
            E1008,
            &dir.display().to_string(),
            cause,
            "give the data set folder, or a new folder name for an empty template",
        );
        return Err(Error::coded(finding));
    }
    let mut tables = Vec::new();
    for spec in TABLES {
        let path = dir.join(spec.name);
        if !path.is_file() {
            continue;
        }
        if let Some(rows) = read_rows(spec, &path, findings)? {
            tables.push((spec, rows));
        }
    }
    Ok(tables)
}

/// One CSV file's rows as they are (every row, whatever its width), after decoding.
fn read_rows(
    spec: FileSpec,
    path: &Path,
    findings: &mut Vec<Finding>,
) -> Result<Option<Rows>, Error> {
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size > MAX_FILE_BYTES {
        findings.push(Finding::file(
            E1002,
            spec.name,
            format!(
                "the file is {} MiB, above the {} MiB a data set file may have",
                size >> 20,
                MAX_FILE_BYTES >> 20
            ),
            "check it is the right file",
        ));
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("cannot read", path, e))?;
    let Some(text) = decode(spec.name, &bytes, findings) else {
        return Ok(None);
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(text.delimiter)
        .from_reader(&text.bytes[..]);
    let mut rows = Vec::new();
    for record in reader.byte_records() {
        match record {
            Ok(r) => rows.push(
                r.iter()
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect(),
            ),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                findings.push(
                    Finding::file(
                        E1006,
                        spec.name,
                        format!("the CSV record cannot be read: {e}"),
                        "fix the quoting of this row",
                    )
                    .at_row(line),
                );
                return Ok(None);
            }
        }
    }
    Ok(Some(rows))
}

/// Every column a table may have: required first, then optional (a plan file lists required ones again).
fn header_of(spec: FileSpec) -> Vec<String> {
    spec.required
        .iter()
        .chain(spec.optional.iter().filter(|c| !spec.required.contains(c)))
        .map(|c| c.to_string())
        .collect()
}

/// The workbook's bytes: a sheet per table, header bold and frozen, columns fitted to their text.
fn workbook(sheets: &[(FileSpec, Rows)]) -> Result<Vec<u8>, Error> {
    let mut book = Workbook::new();
    // A fixed creation date, so the same folder always gives the same bytes (Excel would stamp the time of day).
    let created = ExcelDateTime::from_ymd(2016, 4, 1).map_err(xlsx)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let bold = Format::new().set_bold();
    for (spec, rows) in sheets {
        let sheet = book.add_worksheet();
        fill(sheet, sheet_name(*spec), rows, &bold).map_err(|e| {
            Error::Other(format!(
                "cannot write the sheet {} of {}: {e}",
                sheet_name(*spec),
                spec.name
            ))
        })?;
    }
    book.save_to_buffer().map_err(xlsx)
}

fn xlsx(e: XlsxError) -> Error {
    Error::Other(format!("cannot build the workbook: {e}"))
}

/// Writes one table into a sheet.
fn fill(sheet: &mut Worksheet, name: &str, rows: &Rows, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, text) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            if r == 0 {
                sheet.write_string_with_format(r, c, text, bold)?;
            } else {
                write_cell(sheet, r, c, text)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    Ok(())
}

/// A number cell when the text is a number that reads back as the same text, a boolean cell for `true`/`false`,
/// else text (empty cells are left empty).
fn write_cell(sheet: &mut Worksheet, r: u32, c: u16, text: &str) -> Result<(), XlsxError> {
    match number(text) {
        Some(v) => sheet.write_number(r, c, v).map(|_| ()),
        None if text == "true" || text == "false" => {
            sheet.write_boolean(r, c, text == "true").map(|_| ())
        }
        None if text.is_empty() => Ok(()),
        None => sheet.write_string(r, c, text).map(|_| ()),
    }
}

/// The number a cell holds when writing it as a number cell keeps its text exactly.
fn number(text: &str) -> Option<f64> {
    let v: f64 = text.parse().ok()?;
    (v.is_finite() && number_text(v) == text).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_numbers_that_read_back_the_same_become_number_cells() {
        assert_eq!(number("90"), Some(90.0));
        assert_eq!(number("-2.245"), Some(-2.245));
        assert_eq!(number("0.35"), Some(0.35));
        for text in [
            "007",
            "1e3",
            "90.0",
            "+5",
            "NaN",
            "inf",
            "",
            "S1",
            "2021-03-31",
        ] {
            assert_eq!(number(text), None, "{text}");
        }
    }

    #[test]
    fn a_template_header_lists_required_then_optional_columns_once() {
        let h = header_of(crate::input::TEAMS);
        assert_eq!(
            h,
            [
                "id",
                "organisation",
                "function",
                "headcount",
                "site",
                "movable",
                "service"
            ]
        );
    }
}
