//! `pullpush mcp`

use crate::Outcome;

pub fn run() -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(pullpush_mcp::serve_stdio())?;
    Ok(Outcome::Success)
}
