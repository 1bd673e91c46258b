//! `consolidate completions SHELL` and `consolidate man`: the shell completion script and the manual page, both
//! generated from the same clap definition as `--help`, so they list every command and option of this binary and
//! never drift from it.

use super::{Cli, Status};
use crate::error::Error;
use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};
use std::io::{self, Write};
use std::path::PathBuf;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for the shell.
pub(super) fn completions(args: &CompletionsArgs) -> Result<Status, Error> {
    let mut cmd = Cli::command();
    let name = cmd.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, name, &mut script);
    write_stdout(&script)
}

/// Prints the manual page.
pub(super) fn man() -> Result<Status, Error> {
    let page =
        man_page().map_err(|e| Error::Other(format!("cannot render the manual page: {e}")))?;
    write_stdout(page.as_bytes())
}

/// One roff page for the whole tool: the top-level sections clap_mangen writes, then every subcommand's synopsis,
/// description and options under COMMANDS. One page rather than clap_mangen's page per subcommand, because a single
/// `consolidate man > consolidate.1` is all a user has to install.
fn man_page() -> io::Result<String> {
    let mut cmd = Cli::command();
    // Building fills in the subcommands' bin names, so their synopses read `consolidate plan ...`.
    cmd.build();
    // The footer names the crate version only; the solver list is in the VERSION section.
    let top =
        Man::new(cmd.clone()).source(format!("{} {}", cmd.get_name(), env!("CARGO_PKG_VERSION")));

    // `.TH` comes first, as man(7) expects; the apostrophe preamble roff repeats before every rendered piece is
    // kept once, right after it.
    let mut page = roff_of(|w| top.render_title(w))?;
    page += &Roff::new().render();
    page += &roff_of(|w| top.render_name_section(w))?;
    page += &roff_of(|w| top.render_synopsis_section(w))?;
    page += &roff_of(|w| top.render_description_section(w))?;
    page += &roff_of(|w| top.render_options_section(w))?;

    page += &roff_of(|w| {
        Roff::new()
            .control("SH", ["COMMANDS"])
            .text([roman(
                "Every command also takes -h (or --help) to print its help in the terminal.",
            )])
            .to_writer(w)
    })?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub
            .get_bin_name()
            .unwrap_or_else(|| sub.get_name())
            .to_owned();
        let man = Man::new(sub.clone());
        page += &roff_of(|w| Roff::new().control("SS", [name.as_str()]).to_writer(w))?;
        // The subcommand's own headings (SYNOPSIS, DESCRIPTION, OPTIONS) would read as new top-level sections of
        // this page: drop them and keep their contents under the subcommand's heading.
        page += &without_headings(&roff_of(|w| man.render_synopsis_section(w))?);
        page += &roff_of(|w| Roff::new().control("PP", []).to_writer(w))?;
        page += &without_headings(&roff_of(|w| man.render_description_section(w))?);
        page += &without_headings(&roff_of(|w| man.render_options_section(w))?);
    }

    page += &roff_of(|w| {
        let mut roff = Roff::new();
        roff.control("SH", ["EXIT STATUS"]);
        for (code, meaning) in [
            (
                "0",
                "Success: valid data, an optimal plan that passes its checks.",
            ),
            (
                "1",
                "A result that is not clean: infeasible, stopped at a limit, unknown, or a failed check.",
            ),
            ("2", "An error: bad input, bad usage, I/O."),
        ] {
            roff.control("TP", [])
                .text([roman(code)])
                .text([roman(meaning)]);
        }
        roff.to_writer(w)
    })?;
    page += &roff_of(|w| top.render_version_section(w))?;
    Ok(page)
}

/// The roff one clap_mangen `render_*` call writes, without the apostrophe preamble each call starts with.
fn roff_of(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<String> {
    let mut buf = Vec::new();
    render(&mut buf)?;
    let text = String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let preamble = Roff::new().render();
    Ok(text.strip_prefix(&preamble).unwrap_or(&text).to_owned())
}

/// Roff without its `.SH` lines. Text lines starting with a dot are escaped by roff (`\&.`), so only real section
/// headings match.
fn without_headings(roff: &str) -> String {
    roff.lines()
        .filter(|line| !line.starts_with(".SH"))
        .flat_map(|line| [line, "\n"])
        .collect()
}

/// Writes all of `bytes` to standard output.
pub(super) fn write_stdout(bytes: &[u8]) -> Result<Status, Error> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(Status::Clean),
        // A reader that stopped early (`| head`) is not an error, as for every other command's output (`outln!`).
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Status::Clean),
        Err(source) => Err(Error::Io {
            action: "cannot write",
            path: PathBuf::from("standard output"),
            source,
        }),
    }
}
