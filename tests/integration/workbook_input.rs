//! Excel workbooks as data sets and CSV files that are not UTF-8: `export-xlsx` of a folder reads back (through
//! `validate`, `plan` and the library's `load`) as the same data, findings name `DATA.xlsx[sheet]` with the
//! sheet's row and column, and Windows-1252 and UTF-16 CSV files give the records their UTF-8 copies give, with a
//! W1014 warning.

use crate::common::*;
use calamine::Reader;
use consolidate::input::{self, TABLES};
use consolidate::model_config::ModelConfig;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `export-xlsx FROM --out OUT`, which must succeed.
fn export(from: &Path, out: &Path) {
    let res = run(&[
        "export-xlsx",
        from.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
}

/// The findings of `validate --format json` with every `BOOK[sheet]` file renamed `sheet.csv`, so a workbook's
/// findings compare with its folder's.
fn findings_as_csv(json: &Value, book: &str) -> Vec<Value> {
    let prefix = format!("{book}[");
    let mut findings = json["findings"].as_array().unwrap().clone();
    for f in &mut findings {
        let file = f["file"].as_str().unwrap().to_string();
        if let Some(sheet) = file.strip_prefix(&prefix).and_then(|s| s.strip_suffix(']')) {
            f["file"] = Value::from(format!("{sheet}.csv"));
        }
    }
    findings
}

/// The GM model with the procurement award and the shared-services decision switched off: the estates plan alone
/// solves in several seconds in a debug build, where the award takes minutes and shared services half a minute
/// (the workbook's shared-services sheets are still read and compared; `tiny-services` below plans them).
fn gm_estates_model(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("models/greater-manchester.toml")).unwrap();
    let mut model: toml::Table = text.parse().unwrap();
    for section in ["procurement", "shared_services"] {
        let on = &mut model[section]["enabled"];
        assert_eq!(
            *on,
            toml::Value::Boolean(true),
            "the GM model enables {section}"
        );
        *on = toml::Value::Boolean(false);
    }
    let path = dir.join("gm-estates.toml");
    std::fs::write(&path, toml::to_string(&model).unwrap()).unwrap();
    path
}

#[test]
fn the_gm_workbook_validates_and_plans_exactly_like_the_gm_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = root().join("inputs/greater-manchester");
    let book = tmp.path().join("greater-manchester.xlsx");
    export(&folder, &book);
    // The map layer is not a table: it is read from beside the workbook.
    std::fs::copy(
        folder.join("boroughs.geojson"),
        tmp.path().join("boroughs.geojson"),
    )
    .unwrap();

    let (code_folder, json_folder) = validate_json(&folder);
    let (code_book, json_book) = validate_json(&book);
    assert_eq!((code_folder, code_book), (0, 0));
    assert_eq!(json_book["summary"], json_folder["summary"]);
    assert_eq!(
        findings_as_csv(&json_book, "greater-manchester.xlsx"),
        findings_as_csv(&json_folder, "greater-manchester.xlsx")
    );
    assert!(
        json_book["findings"][0]["file"]
            .as_str()
            .unwrap()
            .starts_with("greater-manchester.xlsx[")
    );

    // Every table, contracts and offers included, reads to the same data set: the award (not re-solved here, it
    // takes minutes in a debug build) is a function of the data set and the model alone.
    let config = ModelConfig::default();
    let (from_folder, from_book) = (input::load(&folder, &config), input::load(&book, &config));
    assert_eq!(from_book.errors(), 0, "{:?}", from_book.findings);
    assert!(!from_book.dataset.contracts.is_empty());
    assert!(
        from_book.dataset == from_folder.dataset,
        "the GM data sets differ"
    );

    let model = gm_estates_model(tmp.path());
    let extra = ["--model", model.to_str().unwrap()];
    let (_t1, out_folder, res) = plan_fresh(&folder, &extra);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let (_t2, out_book, res) = plan_fresh(&book, &extra);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    for file in ["sites.csv", "moves.csv"] {
        assert_eq!(
            std::fs::read(out_book.join(file)).unwrap(),
            std::fs::read(out_folder.join(file)).unwrap(),
            "{file}"
        );
    }
    let summary = |out: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
    };
    let (a, b) = (summary(&out_book), summary(&out_folder));
    assert_eq!(a["status"], "optimal");
    for key in ["status", "estates_status", "objective", "kpis"] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

#[test]
fn a_workbook_with_shared_services_loads_the_same_data_set_and_plan() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = data("tiny-services");
    let book = tmp.path().join("tiny-services.xlsx");
    export(&folder, &book);
    let model = ModelConfig::default();
    let (from_folder, from_book) = (input::load(&folder, &model), input::load(&book, &model));
    assert_eq!(from_book.errors(), 0, "{:?}", from_book.findings);
    assert_eq!(from_book.dataset, from_folder.dataset);
    assert_eq!(
        format!("{:?}", from_book.lines),
        format!("{:?}", from_folder.lines)
    );
    let (_t1, out_folder, r1) = plan_fresh(&folder, &[]);
    let (_t2, out_book, r2) = plan_fresh(&book, &[]);
    assert_eq!(
        code(&r1),
        code(&r2),
        "{}",
        String::from_utf8_lossy(&r2.stderr)
    );
    for file in ["sites.csv", "moves.csv", "services.csv"] {
        assert_eq!(
            std::fs::read(out_book.join(file)).ok(),
            std::fs::read(out_folder.join(file)).ok(),
            "{file}"
        );
    }
}

#[test]
fn a_broken_cell_in_a_workbook_gives_the_code_sheet_row_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    set_cell(&dir.join("teams.csv"), 3, "headcount", "-5");
    set_cell(&dir.join("sites.csv"), 2, "desks", "plenty");
    std::fs::remove_file(dir.join("zones.csv")).unwrap();
    let book = tmp.path().join("tiny.xlsx");
    export(&dir, &book);
    let (status, json) = validate_json(&book);
    assert_eq!(status, 2);
    let has = |code: &str, file: &str, row: Option<u64>, column: Option<&str>| {
        json["findings"].as_array().unwrap().iter().any(|f| {
            f["code"] == code
                && f["file"] == file
                && row.is_none_or(|r| f["row"] == r)
                && column.is_none_or(|c| f["column"] == c)
        })
    };
    assert!(
        has("E1015", "tiny.xlsx[teams]", Some(3), Some("headcount")),
        "{json}"
    );
    assert!(
        has("E1011", "tiny.xlsx[sites]", Some(2), Some("desks")),
        "{json}"
    );
    // A missing sheet is a missing file.
    assert!(has("E1001", "tiny.xlsx[zones]", None, None), "{json}");
}

/// Sets one cell of a CSV file (row = line number, header = 1).
fn set_cell(path: &Path, row: usize, column: &str, value: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let col = lines[0].iter().position(|h| h == column).unwrap();
    lines[row - 1][col] = value.to_string();
    let joined: Vec<String> = lines.iter().map(|l| l.join(",")).collect();
    std::fs::write(path, joined.join("\n") + "\n").unwrap();
}

#[test]
fn cells_typed_in_excel_read_as_their_csv_text() {
    // tiny written by hand the way a user types it in Excel: dates as date cells, whole numbers as decimals,
    // yes/no as booleans, and a sheet name in capitals.
    let tmp = tempfile::tempdir().unwrap();
    let folder = data("tiny");
    let book_path = tmp.path().join("typed.xlsx");
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for spec in TABLES {
        let Ok(text) = std::fs::read_to_string(folder.join(spec.name)) else {
            continue;
        };
        let sheet = book.add_worksheet();
        sheet
            .set_name(spec.name.trim_end_matches(".csv").to_uppercase())
            .unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        for (r, record) in reader.records().enumerate() {
            for (c, cell) in record.unwrap().iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let ymd: Vec<u16> = cell.split('-').filter_map(|p| p.parse().ok()).collect();
                if let ([y, m, d], 10) = (ymd.as_slice(), cell.len()) {
                    let when = ExcelDateTime::from_ymd(*y, *m as u8, *d as u8).unwrap();
                    sheet
                        .write_datetime_with_format(r, c, &when, &date)
                        .unwrap();
                } else if let Ok(v) = cell.parse::<f64>() {
                    sheet.write_number(r, c, v).unwrap();
                } else if let Ok(b) = cell.parse::<bool>() {
                    sheet.write_boolean(r, c, b).unwrap();
                } else {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    book.save(&book_path).unwrap();
    let model = ModelConfig::default();
    let (from_folder, from_book) = (
        input::load(&folder, &model),
        input::load(&book_path, &model),
    );
    assert_eq!(from_book.errors(), 0, "{:?}", from_book.findings);
    assert_eq!(from_book.dataset, from_folder.dataset);
}

#[test]
fn export_xlsx_of_nothing_is_a_template_with_every_table_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("template.xlsx");
    export(&tmp.path().join("no-such-folder"), &out);
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let names = book.sheet_names();
    let expected: Vec<&str> = TABLES
        .iter()
        .map(|s| s.name.trim_end_matches(".csv"))
        .collect();
    assert_eq!(names, expected);
    for spec in TABLES {
        let cells = book
            .worksheet_range(spec.name.trim_end_matches(".csv"))
            .unwrap();
        let header: Vec<String> = cells
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(cells.height(), 1, "{}", spec.name);
        for col in spec.required.iter().chain(spec.optional) {
            assert!(header.contains(&col.to_string()), "{}: {col}", spec.name);
        }
    }
    // The same folder always gives the same bytes.
    let again = tmp.path().join("again.xlsx");
    export(&tmp.path().join("no-such-folder"), &again);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());
}

/// tiny with its organisations file written by `encode`; the load and its W1014 findings.
fn load_encoded(encode: impl Fn(&str) -> Vec<u8>) -> input::Loaded {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), tmp.path());
    let path = tmp.path().join("organisations.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, encode(&with_en_dash(&text))).unwrap();
    input::load(tmp.path(), &ModelConfig::default())
}

/// The organisations text with an en dash in the second row's name.
fn with_en_dash(text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let name = lines[0].split(',').position(|h| h == "name").unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[name] = format!("{} – North", cells[name]);
    lines[1] = cells.join(",");
    lines.join("\n") + "\n"
}

fn w1014(loaded: &input::Loaded) -> Vec<&consolidate::error::Finding> {
    loaded
        .findings
        .iter()
        .filter(|f| f.code == "W1014")
        .collect()
}

#[test]
fn windows_1252_and_utf16_csv_files_give_the_utf8_records_with_a_warning() {
    let utf8 = load_encoded(|t| t.as_bytes().to_vec());
    assert_eq!(utf8.errors(), 0, "{:?}", utf8.findings);
    assert!(w1014(&utf8).is_empty());
    assert!(utf8.dataset.organisations[0].name.ends_with(" – North"));

    // Windows-1252: the en dash is the byte 0x96 (every other character here is ASCII).
    let cp1252 = load_encoded(|t| {
        t.chars()
            .flat_map(|c| {
                if c == '–' {
                    vec![0x96]
                } else {
                    c.to_string().into_bytes()
                }
            })
            .collect()
    });
    assert_eq!(cp1252.dataset, utf8.dataset);
    let w = w1014(&cp1252);
    assert_eq!(w.len(), 1, "{:?}", cp1252.findings);
    assert_eq!(
        (w[0].file.as_str(), w[0].row),
        ("organisations.csv", Some(2))
    );
    assert!(w[0].cause.contains("Windows-1252") && w[0].action.contains("CSV UTF-8"));

    // UTF-16LE with its byte order mark, comma-separated and (Excel's "Unicode Text") tab-separated.
    let utf16 = |t: &str| -> Vec<u8> {
        [0xFF, 0xFE]
            .into_iter()
            .chain(t.encode_utf16().flat_map(u16::to_le_bytes))
            .collect()
    };
    for loaded in [
        load_encoded(utf16),
        load_encoded(|t| utf16(&t.replace(',', "\t"))),
    ] {
        assert_eq!(loaded.dataset, utf8.dataset);
        let w = w1014(&loaded);
        assert_eq!(w.len(), 1, "{:?}", loaded.findings);
        assert!(w[0].cause.contains("UTF-16LE"), "{}", w[0]);
    }
}

#[test]
fn a_run_manifest_accepts_a_workbook_as_its_data_set() {
    let tmp = tempfile::tempdir().unwrap();
    export(&data("tiny"), &tmp.path().join("tiny.xlsx"));
    let manifest = tmp.path().join("night.toml");
    std::fs::write(
        &manifest,
        "name = \"night\"\noutput_root = \"runs\"\nthreads = 1\ntime_limit_s = 30\n[[dataset]]\nname = \"tiny\"\ndir = \"tiny.xlsx\"\n\
         [[scenario]]\nname = \"base\"\ndataset = \"tiny\"\n",
    )
    .unwrap();
    let loaded = consolidate::run::manifest::load(&manifest).unwrap();
    assert!(loaded.scenarios[0].dir.ends_with("tiny.xlsx"));
}
