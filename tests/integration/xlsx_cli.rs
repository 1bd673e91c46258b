//! Excel-safe outputs (issue 22): `plan.xlsx` and `compare.xlsx` read back with calamine hold exactly the CSVs'
//! cells, and output CSVs start with a byte-order mark and guard formula-like text that `evaluate` reads back.

use crate::common::{code, copy_dir, data, plan_fresh, run};
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::path::Path;

const BOM: &str = "\u{feff}";

fn book(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{} does not open: {e}", path.display()))
}

/// The rows of a CSV as written, cells unparsed (the csv reader drops the byte-order mark).
fn csv_cells(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The cell a workbook should hold for CSV text `cell` in row `row`: header text as it is; below it a number for
/// a finite number, nothing for an empty cell, else the text without the formula guard's `'`.
fn expected(row: usize, cell: &str) -> Data {
    let formula_like = |s: &str| {
        s.trim_start_matches('\'')
            .starts_with(['=', '+', '-', '@', '\t', '\r'])
    };
    let text = match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    };
    match text.parse::<f64>() {
        _ if row == 0 => Data::String(text.to_string()),
        Ok(x) if x.is_finite() => Data::Float(x),
        _ if text.is_empty() => Data::Empty,
        _ => Data::String(text.to_string()),
    }
}

/// Every cell of `sheet` in `xlsx` equals the CSV at `csv`, and the sheet has no cell beyond it.
fn assert_sheet_is_csv(xlsx: &Path, sheet: &str, csv: &Path) {
    let range = book(xlsx).worksheet_range(sheet).unwrap();
    let rows = csv_cells(csv);
    assert!(!rows.is_empty(), "{} is empty", csv.display());
    let width = rows[0].len();
    assert_eq!(
        range.end(),
        Some((rows.len() as u32 - 1, width as u32 - 1)),
        "{sheet}"
    );
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let got = range
                .get_value((r as u32, c as u32))
                .cloned()
                .unwrap_or(Data::Empty);
            assert_eq!(
                got,
                expected(r, cell),
                "{sheet} row {} column {}: {cell:?}",
                r + 1,
                c + 1
            );
        }
    }
}

#[test]
fn plan_xlsx_holds_every_csv_and_the_headline_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny-services");
    copy_dir(&data("tiny-services"), &dir);
    std::fs::write(dir.join("model.toml"), "[procurement]\nenabled = true\n").unwrap();
    let (_out_tmp, out, res) = plan_fresh(&dir, &["--explain", "2"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let xlsx = out.join("plan.xlsx");
    let csvs = [
        "sites", "moves", "services", "hubs", "awards", "explain", "shares",
    ];
    let mut names = vec!["kpis".to_string()];
    names.extend(csvs.map(String::from));
    assert_eq!(book(&xlsx).sheet_names(), names);
    for name in csvs {
        assert_sheet_is_csv(&xlsx, name, &out.join(format!("{name}.csv")));
    }
    // The kpis sheet: label/value rows from summary.json, numbers as numbers, no timings.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let kpis = book(&xlsx).worksheet_range("kpis").unwrap();
    let value = |label: &str| -> Data {
        let r = (0..kpis.height())
            .find(|&r| kpis.get((r, 0)) == Some(&Data::String(label.into())))
            .unwrap_or_else(|| panic!("no {label} row"));
        kpis.get((r, 1)).cloned().unwrap()
    };
    // In summary.json's order (schema, then status), not sorted.
    assert_eq!(kpis.get((1, 0)), Some(&Data::String("schema".into())));
    assert_eq!(kpis.get((2, 0)), Some(&Data::String("status".into())));
    assert_eq!(value("status"), Data::String("optimal".into()));
    assert_eq!(
        value("kpis.npv"),
        Data::Float(summary["kpis"]["npv"].as_f64().unwrap())
    );
    assert_eq!(
        value("shared_services.npv"),
        Data::Float(summary["shared_services"]["npv"].as_f64().unwrap())
    );
    assert!(
        kpis.rows()
            .all(|row| !row[0].to_string().ends_with("seconds")),
        "run-dependent timings are left out"
    );
}

#[test]
fn formula_like_text_is_guarded_and_reads_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    // A site name a spreadsheet would run, and a team id that starts with '-' (ids may): the team moves, so the
    // plan's moves.csv names it and `evaluate` must read it back without the guard.
    let link = "=HYPERLINK(\"http://example.com\",\"Eastgate\")";
    let sites = std::fs::read_to_string(dir.join("sites.csv")).unwrap();
    let sites = sites.replace(
        "Eastgate House",
        &format!("\"{}\"", link.replace('"', "\"\"")),
    );
    std::fs::write(dir.join("sites.csv"), sites).unwrap();
    let teams = std::fs::read_to_string(dir.join("teams.csv")).unwrap();
    std::fs::write(dir.join("teams.csv"), teams.replace("T1-hr,", "-T1-hr,")).unwrap();

    let (_out_tmp, out, res) = plan_fresh(&dir, &[]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    for f in ["sites.csv", "moves.csv", "shares.csv"] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(text.starts_with(BOM), "{f} starts with a byte-order mark");
    }
    let rows = csv_cells(&out.join("sites.csv"));
    let s2 = rows.iter().find(|r| r[0] == "S2").unwrap();
    assert_eq!(s2[1], format!("'{link}"));
    let moves = csv_cells(&out.join("moves.csv"));
    assert!(moves.iter().any(|r| r[0] == "'-T1-hr"), "{moves:?}");
    // The workbook holds the name as plain text.
    let range = book(&out.join("plan.xlsx"))
        .worksheet_range("sites")
        .unwrap();
    let r = (0..range.height())
        .find(|&r| range.get((r, 0)) == Some(&Data::String("S2".into())))
        .unwrap();
    assert_eq!(range.get((r, 1)), Some(&Data::String(link.into())));

    let eval = tmp.path().join("eval");
    let res = run(&[
        "evaluate",
        dir.to_str().unwrap(),
        out.to_str().unwrap(),
        "--out",
        eval.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(
        code(&res),
        0,
        "{stdout}{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(stdout.contains("violations: 0"), "{stdout}");
}

#[test]
fn compare_xlsx_matches_compare_csv() {
    let dir = data("tiny");
    let (tmp, optimal, res) = plan_fresh(&dir, &[]);
    assert_eq!(code(&res), 0);
    let greedy = tmp.path().join("greedy");
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        greedy.to_str().unwrap(),
        "--greedy",
        "-q",
    ]);
    assert_eq!(
        code(&res),
        1,
        "the greedy plan is feasible, not proven optimal"
    );
    let cmp = tmp.path().join("cmp");
    let res = run(&[
        "compare",
        dir.to_str().unwrap(),
        optimal.to_str().unwrap(),
        greedy.to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let xlsx = cmp.join("compare.xlsx");
    assert_eq!(book(&xlsx).sheet_names(), ["kpis", "differences"]);
    assert_sheet_is_csv(&xlsx, "kpis", &cmp.join("compare.csv"));
    assert_sheet_is_csv(&xlsx, "differences", &cmp.join("differences.csv"));
}
