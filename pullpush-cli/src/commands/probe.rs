//! `pullpush probe`


use crate::Outcome;
use crate::cli::ProbeArgs;

pub fn run(_args: &ProbeArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("pullpush probe: work in progress")
}
