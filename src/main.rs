//! Thin binary: parse the command line, run it, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = onedigest::cli::Cli::parse();
    match onedigest::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("onedigest: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
