//! Command-line flags, as clap structs. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// PullPush: declarative connector definitions turned into safe, fast API data syncs.
///
/// A connector is a JSON document that says how to authenticate, which endpoint serves each
/// canonical data type (stocklevel, order, product, contact, invoice, call, …), how native fields
/// map to canonical ones and how to paginate. Start with `pullpush validate` on a definition; the
/// format is documented in docs/definition.md and `pullpush schema` prints its JSON Schema.
///
/// Exit codes: 0 success, 1 the input is invalid, 2 usage or I/O error.
#[derive(Debug, Parser)]
#[command(name = "pullpush", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Extra canonical types: a JSON array of `{"name", "version", "key", "schema"}` objects, the
    /// schema being the JSON Schema of a record. Built-in types cannot be redefined.
    #[arg(long, global = true, value_name = "FILE")]
    pub types: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check connector definitions: JSON Schema structure, then semantic rules (templates,
    /// mappings against canonical types, pagination, secrets). Never touches the network.
    ///
    /// Diagnostics quote the offending line; exit 1 if any file has errors.
    Validate(ValidateArgs),
    /// Print the JSON Schema (draft 2020-12) of connector definitions, for editors and tools.
    Schema,
    /// Inspect the canonical data model and check records against it.
    #[command(subcommand)]
    Canonical(CanonicalCommand),
    /// Serve the engine's tools to an AI assistant over the Model Context Protocol (stdio).
    ///
    /// Only JSON-RPC is written to stdout; logs go to stderr. Configure it in Claude Desktop or
    /// Cursor as the command `pullpush mcp`.
    Mcp,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Definition files (JSON).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print a machine-readable JSON report on stdout instead of human diagnostics.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum CanonicalCommand {
    /// List the canonical types with their version and key.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of one canonical type.
    Show {
        /// Type name, e.g. `stocklevel`.
        #[arg(value_name = "TYPE")]
        type_name: String,
    },
    /// Validate canonical records (a JSON array, one object, or JSON lines) against a type.
    ///
    /// Exit 1 if any record is invalid. Use `-` to read from stdin.
    Validate {
        /// Type name, e.g. `stocklevel`.
        #[arg(value_name = "TYPE")]
        type_name: String,
        /// File of records, or `-` for stdin.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print a machine-readable JSON report.
        #[arg(long)]
        json: bool,
    },
}
