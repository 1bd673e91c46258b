//! `consolidate`: estate and procurement consolidation plans for public-sector health and care partners.
//!
//! Data flows one way: CSV files are read and validated into [`domain`] types by [`input`]; model files are read
//! by [`model_config`]; the command line in [`cli`] ties them together. See the README's architecture section.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(unreachable_pub)]

pub mod assess;
pub mod atomic;
pub mod check;
pub mod cli;
pub mod codes;
pub mod compare;
pub mod costing;
pub mod domain;
pub mod error;
pub mod estates;
pub mod geo;
pub mod graph;
pub mod import;
pub mod input;
pub mod limits;
pub mod model_config;
pub mod pipeline;
pub mod plan;
pub mod procurement;
pub mod report;
pub mod run;
pub mod solve;
pub mod summary;
pub mod text;
