//! Command-line flags, as clap structs. Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// PullPush: declarative connector definitions turned into safe, fast API data syncs.
///
/// A connector is a JSON document that says how to authenticate, which endpoint serves each
/// canonical data type (stocklevel, order, product, contact, invoice, call, …), how native fields
/// map to canonical ones and how to paginate. Start with `pullpush demo`, which runs the whole
/// workflow against an embedded sample API; then `validate`, `test` and `read` your own
/// definitions. The format is documented in docs/definition.md; `pullpush schema` prints its JSON
/// Schema.
///
/// Exit codes: 0 success, 1 the input is invalid or a check failed, 2 usage or I/O error.
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
    /// Test a definition against its live API: read-only and bounded (pages, records, time).
    ///
    /// Reports per stream whether requests succeed, records come back, every record maps to a
    /// valid canonical event and pagination ends; with samples, rejected records, duplicate keys
    /// and the inferred schema of the raw records. Exit 0 only when every check passes.
    Test(TestArgs),
    /// Read streams and write canonical events to stdout as JSON lines (or Singer messages).
    ///
    /// Logs and rejected records go to stderr. With `--state FILE`, reads start from the stored
    /// incremental state and the new state is written back after every event was written out.
    Read(ReadArgs),
    /// Start the embedded sample commerce API on 127.0.0.1 and walk the whole workflow against
    /// it: validate, test and read the bundled definition, then discover the API from its own
    /// OpenAPI document and generate, validate and test a draft definition. No credentials, no
    /// network.
    Demo(DemoArgs),
    /// Read an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML, a file or an http(s) URL)
    /// and report what a connector needs: servers, auth, list operations with their records,
    /// pagination, incremental and canonical-type candidates.
    ///
    /// Never calls the API itself; a URL source is fetched once (egress rules apply).
    Discover(DiscoverArgs),
    /// Draft a definition for chosen list operations of an OpenAPI document: auth, base URL,
    /// read operation, pagination, incremental cursor and mapping. The draft validates; every
    /// guess is listed with its confidence so a person reviews exactly those.
    ///
    /// The same document and flags always give the same bytes.
    Generate(GenerateArgs),
    /// Suggest native → canonical field mappings for a record JSON Schema, with a confidence and
    /// a reason per field, enum lookup tables, and the required fields left unmapped.
    Map(MapArgs),
    /// Call a live list endpoint (read-only, egress rules apply), follow a few pages, and report
    /// where the records are, the pagination fields and the inferred record schema.
    Probe(ProbeArgs),
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

/// Where an API description comes from, and how much of it to read.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// The OpenAPI or Swagger document: a file (JSON or YAML), `-` for stdin, or an http(s) URL.
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Refuse documents larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = pullpush_discover::DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_bytes: u64,
    /// Allow fetching a URL source from loopback and private addresses (local servers).
    #[arg(long)]
    pub allow_internal: bool,
    /// Refuse a document with broken `$ref`s (dangling, outside the document, or circular)
    /// instead of reading them as "any value" with a warning.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Print the full report as JSON (record schemas included).
    #[arg(long)]
    pub json: bool,
    /// Show every operation, not only list operations.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// An operation to read and the canonical type it maps to, as `OPERATION=TYPE`; OPERATION is
    /// an operationId or `GET /path` as `pullpush discover` lists them. Repeatable.
    #[arg(long = "stream", value_name = "OPERATION=TYPE", required = true)]
    pub streams: Vec<String>,
    /// Write the definition here instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "DEF")]
    pub output: Option<PathBuf>,
    /// The connector id (default: from the document's title).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Print the draft and its guesses as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MapArgs {
    /// The canonical type to map to, e.g. `contact`.
    #[arg(long = "canonical", value_name = "TYPE")]
    pub canonical: String,
    /// JSON Schema of one native record (a file, or `-` for stdin).
    #[arg(long, value_name = "RECORD_SCHEMA")]
    pub schema: PathBuf,
    /// Print the suggestions as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The list endpoint to call, e.g. `https://api.example.com/v1/customers?limit=10`.
    #[arg(value_name = "URL")]
    pub url: url::Url,
    /// Credentials and options as a JSON object: `token` (bearer), `username`/`password`
    /// (basic), `api_key` with `api_key_header` or `api_key_query`, and `headers` (an object of
    /// extra request headers). `PULLPUSH_CONFIG_<NAME>` variables add to and override them.
    #[arg(long, value_name = "CFG")]
    pub config: Option<PathBuf>,
    /// Pages to follow at most.
    #[arg(long, default_value_t = 3)]
    pub pages: u32,
    /// Allow loopback and private addresses (local test servers). Refused by default.
    #[arg(long)]
    pub allow_internal: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
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

/// Where a connector's definition and config come from.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The definition file (JSON).
    #[arg(value_name = "DEF")]
    pub definition: PathBuf,
    /// Config values as a JSON object; `PULLPUSH_CONFIG_<NAME>` environment variables add to and
    /// override them.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Allow loopback and private addresses (local test servers). Refused by default.
    #[arg(long)]
    pub allow_internal: bool,
    /// Send every request to this origin instead of the definition's hosts, keeping paths and
    /// queries: test against local fixtures or a mock server (add `--allow-internal` for
    /// 127.0.0.1).
    #[arg(long, value_name = "ORIGIN")]
    pub route_to: Option<url::Url>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Pages to fetch per stream at most.
    #[arg(long, default_value_t = 3)]
    pub max_pages: u64,
    /// Records to read per stream at most.
    #[arg(long, default_value_t = 500)]
    pub max_records: u64,
    /// Seconds the whole run may take.
    #[arg(long, default_value_t = 60)]
    pub timeout: u64,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Also write the JSON report to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Streams to read (repeatable); all when not given.
    #[arg(long = "stream", value_name = "NAME")]
    pub streams: Vec<String>,
    /// Incremental state file (a JSON object by stream name); read at the start, written at the
    /// end.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
    pub format: OutputFormat,
    /// Stop each stream after this many pages.
    #[arg(long)]
    pub max_pages: Option<u64>,
    /// Stop each stream after this many records.
    #[arg(long)]
    pub max_records: Option<u64>,
    /// The connection name recorded in every event's source.
    #[arg(long, value_name = "NAME")]
    pub connection: Option<String>,
}

/// How `pullpush read` writes events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// One canonical event per line.
    Jsonl,
    /// Singer SCHEMA, RECORD and STATE messages, for any Singer target.
    Singer,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Orders the sample API serves (products and stock levels scale with it).
    #[arg(long, default_value_t = 1000)]
    pub orders: usize,
    /// After the walkthrough, keep the sample API running (until Enter or Ctrl-C) to try the
    /// commands on it yourself.
    #[arg(long)]
    pub serve: bool,
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
