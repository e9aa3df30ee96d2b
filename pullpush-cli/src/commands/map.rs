//! `pullpush map`

use pullpush_core::CanonicalRegistry;

use crate::Outcome;
use crate::cli::MapArgs;

pub fn run(_args: &MapArgs, _registry: &CanonicalRegistry) -> anyhow::Result<Outcome> {
    anyhow::bail!("pullpush map: work in progress")
}
