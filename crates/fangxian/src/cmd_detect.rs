//! `fangxian detect`: find PI items in a text or standard input.

use std::process::ExitCode;

use crate::Global;

/// Arguments of `fangxian detect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The text to search, or `-` (the default) to read standard input.
    pub text: Option<String>,
}

/// Runs `fangxian detect`.
pub fn run(_global: &Global, _args: &Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("detect is not built yet")
}
