//! Thin binary: parse the command line, run it, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = onedigest::cli::Cli::parse();
    match onedigest::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`onedigest demo | head`) is not an error worth reporting.
        Err(onedigest::cli::CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("onedigest: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
