//! `pullpush mcp`

use pullpush_core::CanonicalRegistry;

use crate::Outcome;

pub fn run(registry: CanonicalRegistry) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(pullpush_mcp::Server::with_registry(registry).serve_stdio())?;
    Ok(Outcome::Success)
}
