//! Where a data set's tables come from: a folder of CSV files, or one Excel workbook with a sheet per table.
//!
//! A workbook `DATA.xlsx` holds one sheet per table, named like the CSV file without `.csv` (`sites`,
//! `teams`, ...; the name is matched ignoring case and surrounding spaces). Both sources give the same
//! [`Table`]s, so every reader and rule is shared. While a data set is read, findings name the CSV file
//! (`sites.csv`), which the rules that join files compare against; [`Source::relabel`] then turns them into
//! `DATA.xlsx[sites]` for a workbook. Files that are not tables (`boroughs.geojson`) are read from the folder
//! the workbook is in.

use super::sheet::read_sheet;
use super::table::{FileSpec, MAX_FILE_BYTES, Table, read_table};
use crate::codes::*;
use crate::error::Finding;
use calamine::{Data, Range, Reader, Xlsx};
use std::path::{Path, PathBuf};

/// A data set's tables: a folder of CSV files or a workbook.
#[derive(Debug)]
pub enum Source {
    /// A folder holding `sites.csv`, `teams.csv`, ...
    Folder(PathBuf),
    /// An Excel workbook with a sheet per table.
    Workbook(Workbook),
}

/// A workbook read into memory: every sheet's cells, or why the sheet could not be read.
#[derive(Debug)]
pub struct Workbook {
    path: PathBuf,
    /// The file name, as findings name it.
    file: String,
    sheets: Vec<(String, Result<Range<Data>, String>)>,
}

/// The file extensions read as workbooks (the Office Open XML spreadsheet formats).
const WORKBOOK_EXTENSIONS: [&str; 2] = ["xlsx", "xlsm"];

/// True when `path` is a file named like an Excel workbook (`.xlsx`, `.xlsm`).
pub fn is_workbook(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The sheet name of a table: its file name without `.csv`.
pub fn sheet_name(spec: FileSpec) -> &'static str {
    spec.name.strip_suffix(".csv").unwrap_or(spec.name)
}

/// The name of a data set: its folder's name, or its workbook's file name without the extension (so
/// `greater-manchester.xlsx` and the folder `greater-manchester` find the same model file).
pub fn dataset_name(path: &Path) -> Option<&str> {
    let name = if path.is_file() {
        path.file_stem()
    } else {
        path.file_name()
    };
    name?.to_str()
}

impl Source {
    /// Opens a data set folder or workbook; one finding (E1008, E1002) when it cannot be used at all.
    pub fn open(path: &Path) -> Result<Source, Box<Finding>> {
        if path.is_dir() {
            return Ok(Source::Folder(path.to_path_buf()));
        }
        if is_workbook(path) {
            return Workbook::open(path).map(Source::Workbook);
        }
        let cause = if path.exists() {
            "the path is neither a folder nor an Excel workbook (.xlsx)"
        } else {
            "the folder or workbook does not exist"
        };
        Err(Box::new(Finding::file(
            E1008,
            &path.display().to_string(),
            cause,
            "give the path of a data set folder holding organisations.csv, sites.csv, teams.csv and zones.csv, \
             or of a workbook (.xlsx) with a sheet for each",
        )))
    }

    /// Reads one table. `None` (with findings) when it is absent or unusable as a whole; an absent optional
    /// table has no finding.
    pub fn table(
        &self,
        spec: FileSpec,
        required: bool,
        findings: &mut Vec<Finding>,
    ) -> Option<Table> {
        match self {
            Source::Folder(dir) => read_table(dir, spec, required, findings),
            Source::Workbook(w) => w.table(spec, required, findings),
        }
    }

    /// True when the table is there (the file or the sheet), readable or not.
    pub fn has(&self, spec: FileSpec) -> bool {
        match self {
            Source::Folder(dir) => dir.join(spec.name).exists(),
            Source::Workbook(w) => w.sheet(spec).is_some(),
        }
    }

    /// The folder files that are not tables are read from: the data set folder, or the workbook's folder.
    pub fn folder(&self) -> &Path {
        match self {
            Source::Folder(dir) => dir,
            Source::Workbook(w) => w.path.parent().unwrap_or(Path::new(".")),
        }
    }

    /// Renames findings about tables from `sites.csv` to `DATA.xlsx[sites]` for a workbook (a folder's findings
    /// are left as they are). `tables` are the specs whose names are rewritten.
    pub fn relabel(&self, tables: &[FileSpec], findings: &mut [Finding]) {
        let Source::Workbook(w) = self else {
            return;
        };
        for f in findings {
            if let Some(spec) = tables.iter().find(|s| s.name == f.file) {
                f.file = w.label(*spec);
            }
        }
    }
}

impl Workbook {
    fn open(path: &Path) -> Result<Workbook, Box<Finding>> {
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let refuse =
            |cause: String, action: &str| Box::new(Finding::file(E1002, &file, cause, action));
        // The workbook is unzipped into memory, sheet by sheet, so a file beyond any real estate is refused first.
        if let Ok(meta) = std::fs::metadata(path)
            && meta.len() > MAX_FILE_BYTES
        {
            return Err(refuse(
                format!(
                    "the workbook is {} MiB, above the {} MiB a data set file may have",
                    meta.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ),
                "check it is the right file; split a larger estate into regional data sets and plan each",
            ));
        }
        let mut book: Xlsx<_> = calamine::open_workbook(path).map_err(|e| {
            refuse(
                format!("cannot read the file as an Excel workbook: {e}"),
                "save it again from Excel as an Excel Workbook (.xlsx), or give a folder of CSV files",
            )
        })?;
        let sheets = book
            .sheet_names()
            .into_iter()
            .map(|name| {
                let cells = book.worksheet_range(&name).map_err(|e| e.to_string());
                (name, cells)
            })
            .collect();
        Ok(Workbook {
            path: path.to_path_buf(),
            file,
            sheets,
        })
    }

    /// The sheet of a table: its real name and cells.
    fn sheet(&self, spec: FileSpec) -> Option<&(String, Result<Range<Data>, String>)> {
        let want = sheet_name(spec);
        self.sheets
            .iter()
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(want))
    }

    /// How findings name a table of this workbook: `DATA.xlsx[sites]`, with the sheet's own spelling.
    fn label(&self, spec: FileSpec) -> String {
        let sheet = self
            .sheet(spec)
            .map_or(sheet_name(spec), |(name, _)| name.as_str());
        format!("{}[{sheet}]", self.file)
    }

    fn table(&self, spec: FileSpec, required: bool, findings: &mut Vec<Finding>) -> Option<Table> {
        let file = spec.name;
        let sheet = sheet_name(spec);
        match self.sheet(spec) {
            None => {
                if required {
                    findings.push(Finding::file(
                        E1001,
                        file,
                        format!("the workbook has no sheet named {sheet}"),
                        format!(
                            "add a sheet named {sheet} with the columns described in docs/inputs.md (consolidate \
                             export-xlsx writes a workbook with every sheet)"
                        ),
                    ));
                }
                None
            }
            Some((_, Err(e))) => {
                findings.push(Finding::file(
                    E1002,
                    file,
                    format!("cannot read the sheet: {e}"),
                    "save the workbook again from Excel, or give this table as a CSV file in a folder",
                ));
                None
            }
            Some((_, Ok(cells))) => read_sheet(spec, cells, findings),
        }
    }
}
