//! The one integration-test binary: the command line end to end, the broken-input corpus, the shipped example
//! against its sources, and property tests that no input makes a reader panic.

mod broken;
mod browser;
mod cluster;
mod common;
mod compare_cli;
mod completions_cli;
mod crash;
mod determinism;
mod evaluate_cli;
mod exit_codes;
mod fuzz;
mod geo_warnings;
mod geojson_cli;
mod gm_example;
mod gm_report;
mod import_cli;
mod infeasible;
mod layering;
mod mps_cli;
mod numbers;
mod overlaps_cli;
mod partner_leases;
mod plan_cli;
mod procurement_cli;
mod properties;
mod run_cli;
mod schemas;
mod services_input;
mod services_plan;
mod validate_cli;
mod workbook_input;
mod xlsx_cli;
