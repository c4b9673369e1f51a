use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    match kubedojo::cli::run(kubedojo::cli::Cli::parse()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("kubedojo: {e}");
            ExitCode::from(kubedojo::cli::HARNESS_ERROR)
        }
    }
}
