//! `pullpush discover`

use pullpush_core::CanonicalRegistry;

use crate::Outcome;
use crate::cli::DiscoverArgs;

pub fn run(_args: &DiscoverArgs, _registry: &CanonicalRegistry) -> anyhow::Result<Outcome> {
    anyhow::bail!("pullpush discover: work in progress")
}
