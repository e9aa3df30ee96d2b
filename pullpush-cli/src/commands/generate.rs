//! `pullpush generate`

use pullpush_core::CanonicalRegistry;

use crate::Outcome;
use crate::cli::GenerateArgs;

pub fn run(_args: &GenerateArgs, _registry: &CanonicalRegistry) -> anyhow::Result<Outcome> {
    anyhow::bail!("pullpush generate: work in progress")
}
