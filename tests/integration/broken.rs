//! The broken-input corpus: inputs of every kind and command that must be refused with exit 2 and a coded finding.
//!
//! Two files under `tests/data/broken/`:
//!
//! - `cases.toml`: edits to a copy of the valid data set `tests/data/tiny` (CSV and GeoJSON files), each checked
//!   with `consolidate validate --format json`.
//! - `commands.toml`: the other inputs, each through the command that reads it: model files (`validate --model`,
//!   `plan --model`, a model a run manifest names), run manifests (`run`), plan files (`evaluate`) and benchmark
//!   files (`import orlib-cap`, `import holmberg`). A case writes its files into a fresh folder beside a copy of
//!   `tiny`, runs its command, and reads the findings from the JSON report (`validate`) or from the
//!   `error[CODE] FILE row N column 'C'` lines on stderr (the others).
//!
//! Every case must exit 2 and report its expected code at its expected file and, where the tool reports them, row
//! and column; a `commands.toml` case must also leave its folder as it was (a refused input writes nothing). Some
//! `commands.toml` case may be marked `gap` when the refusal is not a finding about a file (a usage error): only its
//! message is checked, and a `gap` case that starts giving a code fails until it is given that code. At least 190 cases must carry a code. All failing cases are
//! reported in one message.

use crate::common::*;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// Folder under tests/data to start from.
    #[serde(default = "default_base")]
    base: String,
    edits: Vec<Edit>,
    expect: Expect,
}

fn default_base() -> String {
    "tiny".into()
}

/// One edit of a copy of the base data set. Rows are spreadsheet line numbers (header = 1).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    /// Set one cell.
    set: Option<SetCell>,
    /// Replace the whole file with this text.
    write: Option<String>,
    /// Replace the whole file with these bytes (hex).
    write_hex: Option<String>,
    /// Append this line.
    append: Option<String>,
    /// Remove the file.
    #[serde(default)]
    delete: bool,
    /// Remove a column (header and cells).
    drop_column: Option<String>,
    /// Rename a column.
    rename_column: Option<[String; 2]>,
    /// Remove a row by line number.
    delete_row: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SetCell {
    row: usize,
    column: String,
    value: Option<String>,
    /// The value as hex bytes (for encodings that are not UTF-8).
    value_hex: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: String,
    file: String,
    row: Option<u64>,
    column: Option<String>,
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Reads a CSV file as rows of byte cells (no header handling, so the header is row 1).
fn read_rows(path: &Path) -> Vec<Vec<Vec<u8>>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .unwrap();
    r.byte_records()
        .map(|rec| rec.unwrap().iter().map(<[u8]>::to_vec).collect())
        .collect()
}

fn write_rows(path: &Path, rows: &[Vec<Vec<u8>>]) {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(path)
        .unwrap();
    for row in rows {
        w.write_record(row).unwrap();
    }
    w.flush().unwrap();
}

fn column_index(rows: &[Vec<Vec<u8>>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name.as_bytes())
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn apply(dir: &Path, e: &Edit) {
    let path = dir.join(&e.file);
    if e.delete {
        std::fs::remove_file(&path).unwrap();
    }
    if let Some(text) = &e.write {
        std::fs::write(&path, text).unwrap();
    }
    if let Some(h) = &e.write_hex {
        std::fs::write(&path, hex(h)).unwrap();
    }
    if let Some(line) = &e.append {
        let mut text = std::fs::read(&path).unwrap_or_default();
        if !text.is_empty() && !text.ends_with(b"\n") {
            text.push(b'\n');
        }
        text.extend_from_slice(line.as_bytes());
        text.push(b'\n');
        std::fs::write(&path, text).unwrap();
    }
    if let Some(set) = &e.set {
        let mut rows = read_rows(&path);
        let col = column_index(&rows, &set.column);
        let value = match (&set.value, &set.value_hex) {
            (Some(v), None) => v.as_bytes().to_vec(),
            (None, Some(h)) => hex(h),
            _ => panic!("set needs exactly one of value and value_hex"),
        };
        rows[set.row - 1][col] = value;
        write_rows(&path, &rows);
    }
    if let Some(name) = &e.drop_column {
        let mut rows = read_rows(&path);
        let col = column_index(&rows, name);
        for row in &mut rows {
            row.remove(col);
        }
        write_rows(&path, &rows);
    }
    if let Some([from, to]) = &e.rename_column {
        let mut rows = read_rows(&path);
        let col = column_index(&rows, from);
        rows[0][col] = to.as_bytes().to_vec();
        write_rows(&path, &rows);
    }
    if let Some(row) = e.delete_row {
        let mut rows = read_rows(&path);
        rows.remove(row - 1);
        write_rows(&path, &rows);
    }
}

/// The second corpus, `commands.toml`: inputs other than the data set files, through their own commands.
#[derive(Debug, Deserialize)]
struct CommandCorpus {
    /// Named file texts that cases write with `template = "name"`.
    #[serde(default)]
    template: std::collections::BTreeMap<String, String>,
    case: Vec<CommandCase>,
}

/// What a command case runs. The case folder holds `tiny/` (the data set, edits applied) and the case's files;
/// each command reads them from fixed names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Command {
    /// `validate tiny --format json`, with `--model model.toml` when the case writes `model.toml`.
    Validate,
    /// `plan tiny --out out -q`, with `--model model.toml` when the case writes it.
    Plan,
    /// `evaluate tiny plan --out out`, with `--model model.toml` when the case writes it.
    Evaluate,
    /// `run manifest.toml -q`.
    Run,
    /// `import orlib-cap bench.txt --out out`.
    ImportOrlibCap,
    /// `import holmberg bench.txt --out out`.
    ImportHolmberg,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandCase {
    name: String,
    command: Command,
    /// Edits of the copy of tiny (as in `cases.toml`).
    #[serde(default)]
    edits: Vec<Edit>,
    /// Files written into the case folder before the run.
    #[serde(default)]
    files: Vec<NewFile>,
    /// Extra arguments after the command's own.
    #[serde(default)]
    args: Vec<String>,
    /// Why the case has no code: the input is refused (exit 2) but the tool gives no code yet.
    gap: Option<String>,
    expect: CommandExpect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewFile {
    /// Path relative to the case folder.
    path: String,
    text: Option<String>,
    /// The contents as hex bytes.
    hex: Option<String>,
    /// The contents are this entry of the corpus's `[template]` table.
    template: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommandExpect {
    code: Option<String>,
    file: Option<String>,
    row: Option<u64>,
    column: Option<String>,
    /// Text the output (stderr, then stdout) must contain.
    message: Option<String>,
}

/// One finding as reported: from the JSON report or from an `error[CODE] FILE row N column 'C' ...` line.
#[derive(Debug, PartialEq)]
struct Found {
    code: String,
    file: String,
    row: Option<u64>,
    column: Option<String>,
}

/// Parses a finding line as [`consolidate::error::Finding`]'s `Display` writes it.
fn parse_finding(line: &str) -> Option<Found> {
    let rest = line
        .strip_prefix("error[")
        .or_else(|| line.strip_prefix("warning["))?;
    let (code, rest) = rest.split_once("] ")?;
    let end = [" row ", " column '", " value '", ": "]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()?;
    let (file, mut rest) = rest.split_at(end);
    let mut row = None;
    if let Some(r) = rest.strip_prefix(" row ") {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        row = r[..digits].parse().ok();
        rest = &r[digits..];
    }
    let column = rest
        .strip_prefix(" column '")
        .and_then(|r| r.split_once('\''))
        .map(|(c, _)| c.to_string());
    Some(Found {
        code: code.to_string(),
        file: file.to_string(),
        row,
        column,
    })
}

/// Every path under `dir`, relative to it.
fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path.clone());
            }
            out.insert(path.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    out
}

/// Runs one command case; `Err` says how it failed.
fn run_command_case(
    case: &CommandCase,
    templates: &std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    if case.expect.code.is_none() && (case.gap.is_none() || case.expect.message.is_none()) {
        return Err("a case without a code needs `gap` (why) and `expect.message`".into());
    }
    let tmp = tempfile::tempdir().unwrap();
    let at = |rel: &str| tmp.path().join(rel).display().to_string();
    copy_dir(&data("tiny"), &tmp.path().join("tiny"));
    for e in &case.edits {
        apply(&tmp.path().join("tiny"), e);
    }
    for f in &case.files {
        let path = tmp.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let bytes = match (&f.text, &f.hex, &f.template) {
            (Some(t), None, None) => t.as_bytes().to_vec(),
            (None, Some(h), None) => hex(h),
            (None, None, Some(name)) => match templates.get(name) {
                Some(t) => t.as_bytes().to_vec(),
                None => return Err(format!("no template {name}")),
            },
            _ => {
                let why = "needs exactly one of text, hex and template";
                return Err(format!("file {} {why}", f.path));
            }
        };
        std::fs::write(path, bytes).unwrap();
    }
    let model: Vec<String> = if tmp.path().join("model.toml").is_file() {
        vec!["--model".into(), at("model.toml")]
    } else {
        Vec::new()
    };
    let mut args: Vec<String> = match case.command {
        Command::Validate => vec![
            "validate".into(),
            at("tiny"),
            "--format".into(),
            "json".into(),
        ],
        Command::Plan => vec![
            "plan".into(),
            at("tiny"),
            "--out".into(),
            at("out"),
            "-q".into(),
        ],
        Command::Evaluate => vec![
            "evaluate".into(),
            at("tiny"),
            at("plan"),
            "--out".into(),
            at("out"),
        ],
        Command::Run => vec!["run".into(), at("manifest.toml"), "-q".into()],
        Command::ImportOrlibCap => {
            vec![
                "import".into(),
                "orlib-cap".into(),
                at("bench.txt"),
                "--out".into(),
                at("out"),
            ]
        }
        Command::ImportHolmberg => {
            vec![
                "import".into(),
                "holmberg".into(),
                at("bench.txt"),
                "--out".into(),
                at("out"),
            ]
        }
    };
    if !matches!(
        case.command,
        Command::Run | Command::ImportOrlibCap | Command::ImportHolmberg
    ) {
        args.extend(model);
    }
    args.extend(case.args.iter().cloned());
    let before = tree(tmp.path());
    let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    let status = out.status.code();
    let mut found: Vec<Found> = stderr.lines().filter_map(parse_finding).collect();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&stdout) {
        for f in json["findings"].as_array().into_iter().flatten() {
            found.push(Found {
                code: f["code"].as_str().unwrap_or_default().to_string(),
                file: f["file"].as_str().unwrap_or_default().to_string(),
                row: f["row"].as_u64(),
                column: f["column"].as_str().map(String::from),
            });
        }
    }
    // Findings about files the case wrote name them by their full (temporary) path: compare the relative one.
    let prefix = format!("{}/", tmp.path().display());
    for f in &mut found {
        if let Some(rel) = f.file.strip_prefix(&prefix) {
            f.file = rel.to_string();
        }
    }
    if case.gap.is_some() && !found.is_empty() {
        return Err(format!(
            "gap closed (give the case its code): exit {status:?}, findings {found:?}, wrote [], stderr: {}",
            stderr.trim()
        ));
    }
    let e = &case.expect;
    let hit = e.code.is_none()
        || found.iter().any(|f| {
            e.code.as_deref() == Some(f.code.as_str())
                && e.file.as_deref().is_none_or(|x| x == f.file)
                && e.row.is_none_or(|r| f.row == Some(r))
                && e.column
                    .as_deref()
                    .is_none_or(|c| f.column.as_deref() == Some(c))
        });
    let said = e
        .message
        .as_deref()
        .is_none_or(|m| stderr.contains(m) || stdout.contains(m));
    let after = tree(tmp.path());
    let written: Vec<_> = after.difference(&before).collect();
    if status == Some(2) && hit && said && written.is_empty() {
        return Ok(());
    }
    Err(format!(
        "exit {status:?}, findings {found:?}, wrote {written:?}, stderr: {}",
        stderr.trim()
    ))
}

#[test]
fn every_broken_input_gives_its_code_file_row_and_exit_2() {
    let text = std::fs::read_to_string(data("broken/cases.toml")).unwrap();
    let corpus: Corpus = toml::from_str(&text).unwrap();
    let text = std::fs::read_to_string(data("broken/commands.toml")).unwrap();
    let commands: CommandCorpus = toml::from_str(&text).unwrap();
    let coded = corpus.case.len()
        + commands
            .case
            .iter()
            .filter(|c| c.expect.code.is_some())
            .count();
    assert!(
        coded >= 190,
        "the corpora must hold at least 190 cases with a code, have {coded}"
    );
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    for name in corpus
        .case
        .iter()
        .map(|c| &c.name)
        .chain(commands.case.iter().map(|c| &c.name))
    {
        if !names.insert(name) {
            failures.push(format!("{name}: the name appears twice"));
        }
    }
    for case in &corpus.case {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(&case.base);
        copy_dir(&data(&case.base), &dir);
        for e in &case.edits {
            apply(&dir, e);
        }
        let (code, json) = validate_json(&dir);
        let findings = json["findings"].as_array().cloned().unwrap_or_default();
        let hit = findings.iter().any(|f| {
            f["code"] == case.expect.code.as_str()
                && f["file"] == case.expect.file.as_str()
                && case.expect.row.is_none_or(|r| f["row"] == r)
                && case
                    .expect
                    .column
                    .as_deref()
                    .is_none_or(|c| f["column"] == c)
        });
        if code != 2 || !hit {
            failures.push(format!(
                "{}: exit {code}, findings {}",
                case.name,
                serde_json::to_string(&findings).unwrap()
            ));
        }
    }
    for case in &commands.case {
        if let Err(why) = run_command_case(case, &commands.template) {
            failures.push(format!("{} ({:?}): {why}", case.name, case.command));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn finding_lines_parse_into_code_file_row_and_column() {
    let f = parse_finding(
        "error[E1021] sites.csv row 2 column 'site' value 'S9': no site has this id. use one",
    );
    let want = |row, column: Option<&str>| Found {
        code: "E1021".into(),
        file: "sites.csv".into(),
        row,
        column: column.map(String::from),
    };
    assert_eq!(f, Some(want(Some(2), Some("site"))));
    assert_eq!(
        parse_finding("error[E1021] sites.csv: a row 3 column 'x' in the cause"),
        Some(want(None, None))
    );
    assert_eq!(
        parse_finding("error[E1021] sites.csv column 'site': missing"),
        Some(want(None, Some("site")))
    );
    assert_eq!(parse_finding("error: model file m.toml: bad"), None);
}
