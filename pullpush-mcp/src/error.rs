//! The crate's one error type. Tool failures are not errors here: they travel to the client as
//! tool results. These are the few ways serving itself can fail.

/// Why serving the MCP session failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The session never started: the client closed the connection, or sent something other
    /// than `initialize` (or a request carrying its protocol version) first.
    #[error("the MCP session did not start")]
    Start(#[source] Box<rmcp::service::ServerInitializeError>),
    /// The task serving the session panicked or was cancelled.
    #[error("the MCP session ended abnormally")]
    Session(#[source] tokio::task::JoinError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
