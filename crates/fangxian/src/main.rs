//! `fangxian`: the one binary. Glue only — every job lives in a library crate.

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd_assess;
mod cmd_detect;
mod cmd_eval;
mod cmd_gen;
mod cmd_scan;

/// 防线 fangxian — find, validate, count and legally assess Chinese personal information.
#[derive(Debug, Parser)]
#[command(name = "fangxian", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 when PI was found (or the command succeeded), 1 when none was found, 2 on error."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Print nothing but data and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess scan summaries under 法释〔2017〕10号 with case facts; print the verdict, write the JSON.
    Assess(cmd_assess::Args),
    /// Find PI items in a text (or standard input) and print them, masked.
    Detect(cmd_detect::Args),
    /// Score a tool's findings and summary against a generated corpus's gold answers.
    Eval(cmd_eval::Args),
    /// Write a labelled synthetic corpus (every format, encoding and container) and its gold answers.
    Gen(cmd_gen::Args),
    /// Scan dumps (files, directories, archives, stdin): find, validate, de-duplicate and count
    /// every PI item, and write findings, summary and an HTML report.
    Scan(cmd_scan::Args),
}

fn main() -> ExitCode {
    // Panics of third-party parsers on hostile files are caught and reported as problems of
    // their input; the default hook would also print each as if fangxian had crashed.
    fangxian_formats::quiet_contained_panics();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Assess(args) => cmd_assess::run(&cli.global, args),
        Command::Detect(args) => cmd_detect::run(&cli.global, args),
        Command::Eval(args) => cmd_eval::run(&cli.global, args),
        Command::Gen(args) => cmd_gen::run(&cli.global, args),
        Command::Scan(args) => cmd_scan::run(&cli.global, args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "error: {}", error_message(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, joined by `: ` as `{:#}` would, but without a cause whose text
/// the error that wraps it already says (library errors such as `cannot write {path}:
/// {source}` name their source and also return it as their cause).
fn error_message(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// A reader closing our stdout early (`fangxian ... | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::error_message;

    /// A library error that says its source and also returns it as its cause, as
    /// `cannot write {path}: {source}` errors do.
    #[derive(Debug)]
    struct Names(std::io::Error);

    impl std::fmt::Display for Names {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "cannot write out.json: {}", self.0)
        }
    }

    impl std::error::Error for Names {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let disk_full = || std::io::Error::other("No space left on device");
        let err = anyhow::Error::new(Names(disk_full())).context("writing the summary");
        assert_eq!(
            error_message(&err),
            "writing the summary: cannot write out.json: No space left on device"
        );
        // Causes that the error above them does not say are kept, in order.
        let err = anyhow::Error::new(disk_full()).context("writing the summary");
        assert_eq!(
            error_message(&err),
            "writing the summary: No space left on device"
        );
    }
}
