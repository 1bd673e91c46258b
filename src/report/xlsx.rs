//! `plan.xlsx` and `compare.xlsx`: the output CSVs as one Excel workbook, a worksheet per file.
//!
//! The workbook is built from the CSV bytes already written (and, for `plan`, the scalars of `summary.json`), never
//! from the model's data, so it cannot disagree with them. A cell that parses as a finite number is a number cell,
//! any other a string cell with the CSV's formula guard removed: an xlsx string is never run as a formula. The
//! header row is bold and frozen, columns are fitted to their content up to a cap, and the document's date is
//! fixed so that the same plan gives the same bytes.

use crate::error::Error;
use crate::text::{number, unguard};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// One worksheet: its name and its rows, the first being the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name (at most 31 characters, Excel's limit).
    pub name: String,
    /// The cells as the CSV holds them, formula guard removed.
    pub rows: Vec<Vec<String>>,
}

/// The widest a column is fitted, in pixels: about 40 characters, so a long reason does not push the rest of
/// the table off the screen.
const MAX_COLUMN_PIXELS: u32 = 300;

/// Keys of `summary.json` that change from run to run (timings, the thread count echoed): left out of the
/// `kpis` sheet so the workbook depends on the plan alone.
const RUN_DEPENDENT: [&str; 3] = ["solve_seconds", "seconds", "threads"];

/// The sheet `name` holding the cells of an output CSV.
pub fn csv_sheet(name: &str, bytes: &[u8]) -> Result<Sheet, csv::Error> {
    // The csv reader drops the byte-order mark itself; every row has the header's width, so flexible is only a
    // guard against a hand-edited file.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let rows = reader
        .records()
        .map(|r| r.map(|rec| rec.iter().map(|c| unguard(c).to_string()).collect()))
        .collect::<Result<_, _>>()?;
    Ok(Sheet {
        name: name.to_string(),
        rows,
    })
}

/// The `kpis` sheet: one `label,value` row per scalar of `summary.json` in the file's order, labelled by its
/// dotted path (`kpis.npv`, `shared_services.fte_saved`); lists, nulls and run-dependent keys are left out.
pub fn summary_sheet(summary_json: &[u8]) -> Result<Sheet, serde_json::Error> {
    let tree: Json = serde_json::from_slice(summary_json)?;
    let mut rows = vec![vec!["label".to_string(), "value".to_string()]];
    tree.scalars("", &mut rows);
    Ok(Sheet {
        name: "kpis".to_string(),
        rows,
    })
}

/// A JSON document reduced to what the `kpis` sheet shows, with object keys in the file's order (serde_json's
/// own `Value` sorts them, which would bury `status` among the rest).
enum Json {
    /// A string, number or boolean as text; `None` for null and for lists.
    Scalar(Option<String>),
    /// An object's members in order.
    Object(Vec<(String, Json)>),
}

impl Json {
    fn scalars(&self, path: &str, rows: &mut Vec<Vec<String>>) {
        match self {
            Json::Scalar(Some(v)) => rows.push(vec![path.to_string(), v.clone()]),
            Json::Scalar(None) => {}
            Json::Object(members) => {
                for (key, child) in members {
                    if RUN_DEPENDENT.contains(&key.as_str()) {
                        continue;
                    }
                    match path {
                        "" => child.scalars(key, rows),
                        _ => child.scalars(&format!("{path}.{key}"), rows),
                    }
                }
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Scalar(Some(v.to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Scalar(Some(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Scalar(Some(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        // Rust prints the shortest text that reads back as the same f64, as serde_json does.
        Ok(Json::Scalar(Some(v.to_string())))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Scalar(Some(v.to_string())))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Scalar(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Json::Scalar(None))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members = Vec::new();
        while let Some(member) = map.next_entry::<String, Json>()? {
            members.push(member);
        }
        Ok(Json::Object(members))
    }
}

/// The workbook's bytes: one worksheet per sheet, in order.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // Excel stamps the creation time; a fixed one keeps the bytes a function of the plan.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&epoch));
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&sheet.name)?;
        fill(ws, sheet, &bold)?;
    }
    book.save_to_buffer()
}

fn fill(ws: &mut Worksheet, sheet: &Sheet, bold: &Format) -> Result<(), XlsxError> {
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            if r == 0 {
                ws.write_string_with_format(r, c, cell, bold)?;
            } else if let Some(x) = number(cell) {
                ws.write_number(r, c, x)?;
            } else if !cell.is_empty() {
                ws.write_string(r, c, cell)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_autofit_max_width(MAX_COLUMN_PIXELS);
    ws.autofit();
    Ok(())
}

fn failed(file: &str, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("cannot build {file}: {e}"))
}

/// `plan.xlsx` from the files `plan` writes: a `kpis` sheet from `summary.json`, then one sheet per CSV, in the
/// order given, named like the file without `.csv`.
pub fn plan_xlsx(files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, Error> {
    let mut sheets = Vec::new();
    for (name, bytes) in files {
        if *name == "summary.json" {
            sheets.insert(0, summary_sheet(bytes).map_err(|e| failed("plan.xlsx", e))?);
        } else if let Some(stem) = name.strip_suffix(".csv") {
            sheets.push(csv_sheet(stem, bytes).map_err(|e| failed("plan.xlsx", e))?);
        }
    }
    workbook(&sheets).map_err(|e| failed("plan.xlsx", e))
}

/// `compare.xlsx`: sheets `kpis` (from `compare.csv`) and `differences` (from `differences.csv`).
pub fn compare_xlsx(compare_csv: &[u8], differences_csv: &[u8]) -> Result<Vec<u8>, Error> {
    let sheets = [
        csv_sheet("kpis", compare_csv),
        csv_sheet("differences", differences_csv),
    ]
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .map_err(|e| failed("compare.xlsx", e))?;
    workbook(&sheets).map_err(|e| failed("compare.xlsx", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    fn read_back(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn summary_scalars_become_dotted_rows() {
        let json = br#"{
            "status": "optimal",
            "solve_seconds": 0.1,
            "kpis": {"npv": 12.5, "by_year": [1, 2], "partners": {"C1": 3}},
            "check": null,
            "procurement": {"seconds": 2, "ok": true}
        }"#;
        let rows = summary_sheet(json).unwrap().rows;
        let pairs: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("label", "value"),
                ("status", "optimal"),
                ("kpis.npv", "12.5"),
                ("kpis.partners.C1", "3"),
                ("procurement.ok", "true"),
            ]
        );
    }

    #[test]
    fn guarded_text_is_a_string_and_numbers_are_numbers() {
        let csv = crate::text::csv_bytes(|w| {
            w.write_record(["name", "gbp"])?;
            w.write_record(["=HYPERLINK(\"x\")", "-12.5"])
        });
        let mut book = read_back(plan_xlsx(&[("sites.csv", csv)]).unwrap());
        assert_eq!(book.sheet_names(), ["sites"]);
        let range = book.worksheet_range("sites").unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("name".into())));
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String("=HYPERLINK(\"x\")".into()))
        );
        assert_eq!(range.get((1, 1)), Some(&Data::Float(-12.5)));
    }

    #[test]
    fn same_sheets_give_the_same_bytes() {
        let sheet = Sheet {
            name: "t".into(),
            rows: vec![vec!["a".into()], vec!["1".into()]],
        };
        assert_eq!(
            workbook(std::slice::from_ref(&sheet)).unwrap(),
            workbook(&[sheet]).unwrap()
        );
    }
}
