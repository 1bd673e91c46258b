//! `consolidate validate` end to end: exit codes, the summary, and the folder-level failures.

use crate::common::*;

#[test]
fn tiny_example_is_valid_and_summarised() {
    let (code, json) = validate_json(&data("tiny"));
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["schema"], "consolidate.validate/1");
    assert_eq!(json["ok"], true);
    assert_eq!(json["summary"]["sites"], 6);
    assert_eq!(json["summary"]["headcount"], 450);
    assert_eq!(json["summary"]["population"], 40000);
    assert_eq!(json["summary"]["running_cost_gbp"], 3_370_000.0);
}

#[test]
fn text_output_prints_the_summary() {
    let out = run(&["validate", data("tiny").to_str().unwrap()]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("0 error(s), 0 warning(s)"), "{text}");
    assert!(text.contains("running cost GBP/yr 3,370,000"), "{text}");
}

#[test]
fn a_folder_that_does_not_exist_is_exit_2_with_a_clear_message() {
    let out = run(&["validate", "/definitely/not/here"]);
    assert_eq!(code(&out), 2);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("E1008") && text.contains("does not exist"),
        "{text}"
    );
}

#[test]
fn an_empty_folder_lists_every_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, json) = validate_json(tmp.path());
    assert_eq!(code, 2);
    let missing: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "E1001")
        .map(|f| f["file"].clone())
        .collect();
    assert_eq!(
        missing,
        ["organisations.csv", "sites.csv", "teams.csv", "zones.csv"]
    );
}

#[test]
fn a_folder_of_binary_files_is_exit_2_with_one_finding_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, name) in ["organisations.csv", "sites.csv", "teams.csv", "zones.csv"]
        .iter()
        .enumerate()
    {
        let bytes: Vec<u8> = (0..600u32)
            .map(|b| ((b * 37 + i as u32 * 11) % 256) as u8)
            .collect();
        std::fs::write(tmp.path().join(name), bytes).unwrap();
    }
    let (code, json) = validate_json(tmp.path());
    assert_eq!(code, 2);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4, "{json}");
    assert!(
        findings
            .iter()
            .all(|f| f["code"] == "E1004" && f["cause"].as_str().unwrap().contains("binary"))
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(code(&run(&["validate"])), 2);
    assert_eq!(code(&run(&["no-such-command"])), 2);
    assert_eq!(code(&run(&["--help"])), 0);
}

#[test]
fn a_bad_model_file_is_exit_2_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("m.toml");
    std::fs::write(&model, "[estates]\ndesk_ration = 0.8\n").unwrap();
    let out = run(&[
        "validate",
        data("tiny").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 2);
    // Reported like any other finding: code, file, line and key.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[E1050]") && text.contains("row 2 column 'desk_ration'"),
        "{text}"
    );
}

#[test]
fn the_readme_code_table_matches_the_catalogue() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for c in consolidate::codes::CATALOGUE {
        let severity = if c.code.starts_with('E') {
            "error"
        } else {
            "warning"
        };
        let row = format!("| {} | {severity} | {} |", c.code, c.summary);
        assert!(readme.contains(&row), "README.md lacks the row: {row}");
    }
}

#[test]
fn a_reference_to_a_row_with_errors_says_so_instead_of_unknown_id() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), tmp.path());
    let orgs = std::fs::read_to_string(tmp.path().join("organisations.csv")).unwrap();
    std::fs::write(
        tmp.path().join("organisations.csv"),
        orgs.replace(
            "T1,Northfield NHS Trust,nhs_trust",
            "T1,Northfield NHS Trust,hospital",
        ),
    )
    .unwrap();
    let (code, json) = validate_json(tmp.path());
    assert_eq!(code, 2);
    let refs: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "E1021")
        .collect();
    assert!(!refs.is_empty());
    assert!(
        refs.iter()
            .all(|f| f["cause"].as_str().unwrap().contains("has errors")),
        "{refs:?}"
    );
}

#[test]
fn a_missing_organisations_file_is_reported_once_not_per_reference() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), tmp.path());
    std::fs::remove_file(tmp.path().join("organisations.csv")).unwrap();
    let (code, json) = validate_json(tmp.path());
    assert_eq!(code, 2);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "E1001");
}

#[test]
fn the_england_example_is_valid_with_its_unlocated_sites_as_warnings() {
    let (status, json) = validate_json(&root().join("inputs/england"));
    assert_eq!(status, 0, "{}", json["findings"]);
    assert_eq!(json["summary"]["sites"], 1261, "{}", json["summary"]);
    // Every warning is one the example's README explains: no coordinates, or a postcode shared with another site.
    for f in json["findings"].as_array().unwrap() {
        assert!(f["code"] == "W1003" || f["code"] == "W1006", "{f}");
    }
}
