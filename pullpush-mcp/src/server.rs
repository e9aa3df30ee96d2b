//! The server: one struct holding the engine handles, its tools, its resources, and the stdio
//! entry point.
//!
//! Each tool body is a few lines that call `pullpush-schema`, `pullpush-core` or
//! `pullpush-discover` and convert the answer into a bounded output type from `types` or
//! `discovery_types`. Two error channels, on purpose: a problem the model can act on (an unknown
//! type name, too many records, an unreadable API description, an unknown operation) is a tool
//! result with `isError: true` and a message; an invalid definition is not even that, it is a
//! successful result whose diagnostics are the answer. Protocol errors are left to rmcp
//! (malformed calls, unknown tools) and to unknown resource URIs.

use std::sync::Arc;

use pullpush_core::{
    CanonicalRegistry, CanonicalType, Credentials, TransportError, definition_digest,
};
use pullpush_discover::{
    ApiDocument, DEFAULT_MAX_DOCUMENT_BYTES, DiscoverError, GenerateOptions, ProbeError,
    ProbeOptions, StreamRequest, discover, generate, probe, suggest_mappings,
};
use pullpush_http::{HttpStack, Secrets, Session, SessionOptions, TestLimits};
use pullpush_schema::{Validator, connector_schema};
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{
    Implementation, ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, ServerCapabilities,
    ServerConfig,
};
use rmcp::service::{QuitReason, RequestContext};
use rmcp::{
    ErrorData, Json, RoleServer, ServerHandler, ServiceExt, tool, tool_handler, tool_router,
};
use serde_json::Value;

use crate::discovery_types::{
    ApiSummary, DiscoverApiArgs, FieldMapping, GenerateDefinitionArgs, GeneratedDefinition,
    GetOperationArgs, MAX_PROBE_PAGES, MAX_STREAMS, MAX_WARNINGS, MapFieldsArgs, OperationDetails,
    ProbeEndpointArgs, ProbeResult, Source,
};
use crate::error::{Error, Result};
use crate::resources::{CONNECTOR_SCHEMA_URI, SchemaResources, canonical_schema_uri};
use crate::types::{
    CanonicalTypeList, CanonicalTypeSchema, CanonicalTypeSummary, ConnectorSchema,
    DefinitionReport, GetCanonicalTypeArgs, MAX_RECORDS, RecordsReport, TestDefinitionArgs,
    TestDefinitionReport, ValidateDefinitionArgs, ValidateRecordsArgs,
};

/// Serves the PullPush tools and resources over stdin and stdout until the client disconnects.
///
/// Only JSON-RPC is written to stdout. Call it inside a Tokio runtime with I/O enabled (a
/// current-thread runtime is enough). It accepts clients that open with `initialize` (protocol
/// revisions 2024-11-05 to 2025-11-25) and clients of 2026-07-28, which send the protocol
/// version with every request instead.
///
/// # Errors
///
/// [`Error::Start`] when the client closes the connection or sends something else before the
/// session starts, [`Error::Session`] when the task serving the session fails.
pub async fn serve_stdio() -> Result<()> {
    Server::new().serve_stdio().await
}

impl Server {
    /// Serves this server over stdin and stdout, like [`serve_stdio`] but with this server's
    /// canonical types (see [`Server::with_registry`]).
    ///
    /// # Errors
    ///
    /// As for [`serve_stdio`].
    pub async fn serve_stdio(self) -> Result<()> {
        serve_on_stdio(self).await
    }
}

async fn serve_on_stdio(server: Server) -> Result<()> {
    let running = server
        .serve(rmcp::transport::stdio_pipes())
        .await
        .map_err(|err| Error::Start(Box::new(err)))?;
    match running.waiting().await {
        Ok(QuitReason::JoinError(err)) | Err(err) => Err(Error::Session(err)),
        Ok(_) => Ok(()),
    }
}

/// The PullPush MCP server: validation of connector definitions and the canonical model as
/// read-only tools, and the JSON Schemas as resources.
///
/// It implements rmcp's [`ServerHandler`], so besides [`serve_stdio`] it can be served over any
/// rmcp transport with [`ServiceExt::serve`]. Cloning is cheap: clones share the compiled
/// schema and the rendered resources.
#[derive(Clone)]
pub struct Server {
    state: Arc<State>,
    tool_router: ToolRouter<Server>,
}

struct State {
    /// Compiles the connector JSON Schema once; also holds the canonical registry.
    validator: Validator,
    connector_schema: Value,
    resources: SchemaResources,
}

const INSTRUCTIONS: &str = "\
PullPush turns declarative JSON connector definitions into API data syncs. Every stream of a \
connector maps the API's native records into a canonical type (stocklevel, order, product, \
contact, …), so any source works with any destination. Every tool is read-only. Only \
test_definition, probe_endpoint and the discovery tools given a url reach the network; \
everything else runs locally.

When the API has an OpenAPI or Swagger document, start from it instead of writing a definition \
by hand:
1. discover_api (the document's text as document, or its url): the servers, auth schemes and \
list operations, each with its records path and the best pagination, incremental and canonical \
candidates.
2. get_operation for an operation you want as a stream: its parameters and record schema; \
map_fields proposes how that record schema maps onto a canonical type.
3. generate_definition with the chosen streams ({operation, canonical_type}): a draft that \
validates, and the guesses it made. Review the guesses with confidence below 0.5 first, above all \
PLACEHOLDER values, and fix them in the text.
4. validate_definition, then test_definition with real credentials, as below.
Without a document, probe_endpoint learns a list endpoint from its live responses: records \
path, pagination and record schema (then map_fields).

Workflow for writing or fixing a connector definition:
1. Learn the format: get_connector_schema (or the resource pullpush://schemas/connector.json).
2. Choose each stream's canonical type with list_canonical_types; get_canonical_type gives its \
fields, which are required, and its key. Mapping targets must be fields of that type.
3. Call validate_definition with the definition's JSON text. Each diagnostic has a code, a JSON \
pointer to the offending value, its line and column, a message and usually a hint: fix every \
error at its pointer as the hint says, then validate again until valid is true. Warnings do not \
block but usually point at a mistake.
4. Check the records a mapping should produce with validate_canonical_records. Null is not zero: \
a required field that is null is an error and never read as 0; money is a decimal string such \
as \"19.99\"; date-times are RFC 3339.
5. test_definition runs the definition against the live API, read-only and bounded: its \
rejected records and the schema inferred from the raw records show what to fix.

Syncs and publishing are not available through this server yet.";

impl Server {
    /// A server for the built-in canonical types.
    pub fn new() -> Self {
        Server::with_registry(CanonicalRegistry::builtin())
    }

    /// A server for the canonical types of `registry` (built-in plus your own).
    pub fn with_registry(registry: CanonicalRegistry) -> Self {
        let connector_schema = connector_schema();
        let resources = SchemaResources::new(&connector_schema, &registry);
        Server {
            state: Arc::new(State {
                validator: Validator::new(registry),
                connector_schema,
                resources,
            }),
            tool_router: Server::tool_router(),
        }
    }

    fn registry(&self) -> &CanonicalRegistry {
        self.state.validator.registry()
    }

    /// The canonical type `name`, or a message the model can act on.
    fn canonical_type(&self, name: &str) -> Result<&CanonicalType, String> {
        self.registry().lookup(name).map_err(|err| err.to_string())
    }
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field(
                "canonical_types",
                &self.registry().names().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

#[tool_router]
impl Server {
    #[tool(
        name = "validate_definition",
        title = "Validate connector definition",
        description = "Validate a PullPush connector definition without any network call: first \
            against the connector JSON Schema, then against the semantic rules (templates, \
            mappings checked against the canonical types, pagination, auth, secrets). Returns \
            valid, error and warning counts, and diagnostics, each with a stable code, severity, \
            JSON pointer, line and column in the text you sent, a message and usually a fix \
            hint. An invalid definition is a normal result, not a tool error: fix each error at \
            its pointer as the hint says and validate again until valid is true. At most 100 \
            diagnostics are listed, errors first; truncated says when there were more.",
        annotations(
            title = "Validate connector definition",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    fn validate_definition(
        &self,
        Parameters(args): Parameters<ValidateDefinitionArgs>,
    ) -> Result<Json<DefinitionReport>, String> {
        let (text, located) = match args.definition {
            Value::String(text) => (text, true),
            object @ Value::Object(_) => (object.to_string(), false),
            other => {
                return Err(format!(
                    "`definition` must be the definition's JSON text (a string) or a JSON object, \
                     not {}",
                    json_kind(&other)
                ));
            }
        };
        let validation = self.state.validator.validate(&text);
        Ok(Json(DefinitionReport::new(&validation, located)))
    }

    #[tool(
        name = "test_definition",
        title = "Test connector definition against its API",
        description = "Test a PullPush connector definition against its live API, read-only and \
            bounded (3 pages and 500 records per stream by default, 60 s in all). Validate it \
            first with validate_definition. Pass the config its config_spec asks for \
            (credentials are used, never echoed). Returns passed, and per stream the checks \
            request (the API answered; a 401/403 means wrong credentials or auth settings), \
            records (the selector found records), mapping (every record became a valid \
            canonical event; rejected_records say which field failed and why) and pagination \
            (the walk ended or hit the test limit without looping), plus sample canonical \
            events, the JSON Schema inferred from the raw records (use it to fix mapping \
            paths) and warnings. Non-GET requests are refused unless the definition declares \
            a read safe. Internal addresses are refused unless allow_internal is set.",
        annotations(
            title = "Test connector definition against its API",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn test_definition(
        &self,
        Parameters(args): Parameters<TestDefinitionArgs>,
    ) -> Result<Json<TestDefinitionReport>, String> {
        let text = match args.definition {
            Value::String(text) => text,
            object @ Value::Object(_) => object.to_string(),
            other => {
                return Err(format!(
                    "`definition` must be the definition's JSON text or a JSON object, not {}",
                    json_kind(&other)
                ));
            }
        };
        let validation = self.state.validator.validate(&text);
        let Some(connector) = validation.connector else {
            return Err(format!(
                "the definition has {} error(s); call validate_definition and fix them first",
                validation.error_count()
            ));
        };
        let config = connector
            .definition()
            .config_spec
            .resolve(&args.config)
            .map_err(|errors| {
                let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
                format!(
                    "the config does not match the config_spec: {}",
                    list.join("; ")
                )
            })?;
        let route_to = match args.route_to.as_deref().map(url::Url::parse) {
            None => None,
            Some(Ok(origin)) => Some(origin),
            Some(Err(err)) => return Err(format!("`route_to` is not a URL: {err}")),
        };
        let options = SessionOptions {
            allow_internal: args.allow_internal,
            read_only: true,
            route_to,
        };
        let session = Session::open(&connector, config, options).map_err(|err| err.to_string())?;
        let limits = TestLimits {
            max_pages: args.max_pages.unwrap_or(3).clamp(1, 20),
            max_records: args.max_records.unwrap_or(500).clamp(1, 5000),
            time_limit: std::time::Duration::from_secs(
                args.timeout_seconds.unwrap_or(60).clamp(1, 300),
            ),
        };
        let report = session.test(limits, definition_digest(&text)).await;
        Ok(Json(TestDefinitionReport::new(report)))
    }

    #[tool(
        name = "get_connector_schema",
        title = "Get connector definition schema",
        description = "Get the JSON Schema (draft 2020-12) of PullPush connector definitions: \
            every property with its description, allowed values and defaults (identity, \
            config_spec, base_url, auth, streams with read, pagination, incremental sync and \
            mapping, rate limits, retries). Read it before writing a definition. The same \
            document is the resource pullpush://schemas/connector.json. About 55 KB.",
        annotations(
            title = "Get connector definition schema",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    fn get_connector_schema(&self) -> Json<ConnectorSchema> {
        Json(ConnectorSchema {
            uri: CONNECTOR_SCHEMA_URI.to_owned(),
            schema: self.state.connector_schema.clone(),
        })
    }

    #[tool(
        name = "list_canonical_types",
        title = "List canonical types",
        description = "List the canonical data types that connector streams map records into \
            (stocklevel, order, product, contact, invoice, call, …): for each its name, \
            version, key fields, description and top-level field names. Use it to choose a \
            stream's canonical_type; get_canonical_type gives field types and which fields are \
            required.",
        annotations(
            title = "List canonical types",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    fn list_canonical_types(&self) -> Json<CanonicalTypeList> {
        let types = self
            .registry()
            .iter()
            .map(|ty| CanonicalTypeSummary::new(ty, canonical_schema_uri(ty.name())))
            .collect();
        Json(CanonicalTypeList { types })
    }

    #[tool(
        name = "get_canonical_type",
        title = "Get canonical type schema",
        description = "Get the JSON Schema of one canonical type by name: its fields with types, \
            formats, enums and descriptions, which fields are required, and its key. A \
            definition's mapping targets must be fields of this schema. An unknown name is a \
            tool error that names the closest known type.",
        annotations(
            title = "Get canonical type schema",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    fn get_canonical_type(
        &self,
        Parameters(args): Parameters<GetCanonicalTypeArgs>,
    ) -> Result<Json<CanonicalTypeSchema>, String> {
        let ty = self.canonical_type(&args.name)?;
        Ok(Json(CanonicalTypeSchema {
            name: ty.name().to_owned(),
            version: ty.version(),
            key: ty.key().to_vec(),
            uri: canonical_schema_uri(ty.name()),
            schema: ty.json_schema(),
        }))
    }

    #[tool(
        name = "validate_canonical_records",
        title = "Validate canonical records",
        description = "Check records against a canonical type: required fields present and not \
            null (null means no data and is never read as 0), value types, formats (RFC 3339 \
            date-times, e-mail addresses, ISO 4217 currency codes), money as decimal strings \
            such as \"19.99\", enums, nested objects and arrays, and unknown fields. Send at most \
            1000 records per call. Returns counts and, for each invalid record (at most 50, with \
            at most 10 errors each), its index and errors with a JSON pointer into the record.",
        annotations(
            title = "Validate canonical records",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    fn validate_canonical_records(
        &self,
        Parameters(args): Parameters<ValidateRecordsArgs>,
    ) -> Result<Json<RecordsReport>, String> {
        let ty = self.canonical_type(&args.type_name)?;
        if args.records.len() > MAX_RECORDS {
            return Err(format!(
                "{} records sent; send at most {MAX_RECORDS} per call",
                args.records.len()
            ));
        }
        Ok(Json(RecordsReport::check(ty, &args.records)))
    }

    #[tool(
        name = "discover_api",
        title = "Discover an API from its OpenAPI document",
        description = "Read an OpenAPI 3.0/3.1 or Swagger 2.0 document (JSON or YAML) and say \
            what a connector for it needs: servers, auth schemes as definition auth kinds, \
            rate-limit headers, and the list operations (the ones that can become streams), \
            each with its id, method, path, the JSONPath of its records, the best pagination \
            strategy (a ready pagination object with confidence and evidence), the best \
            incremental cursor and the 3 most likely canonical types. Pass the document's text \
            as document, or its http(s) url (fetched with one read-only GET; set \
            allow_internal for a server on this machine). Record schemas are left out: \
            get_operation gives one operation in full. At most 200 operations are listed; \
            narrow with operation (a substring of id or path); include_all lists non-list \
            operations too. A document that cannot be read (bad syntax, not OpenAPI, an \
            unsupported version, over 32 MiB) is a tool error saying what is wrong; broken \
            $refs are read as any value and listed in warnings. Next: get_operation, then \
            generate_definition.",
        annotations(
            title = "Discover an API from its OpenAPI document",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn discover_api(
        &self,
        Parameters(mut args): Parameters<DiscoverApiArgs>,
    ) -> Result<Json<ApiSummary>, String> {
        let document = load_document(args.source()).await?;
        let report = discover(&document, self.registry());
        Ok(Json(ApiSummary::new(
            report,
            args.operation.as_deref(),
            args.include_all,
        )))
    }

    #[tool(
        name = "get_operation",
        title = "Get one operation of an OpenAPI document",
        description = "Everything discovery knows about one operation of an OpenAPI/Swagger \
            document (passed as document text or url, as for discover_api): parameters with \
            types, defaults and maximums, the security schemes that apply, and for list \
            operations the records path, the JSON Schema of one record ($refs inlined; cut at \
            its deepest levels with record_schema_truncated when over 64 KB), and every \
            pagination, incremental and canonical candidate with confidence and evidence. Name \
            the operation by the id discover_api lists or as `METHOD /path`; an unknown one is \
            a tool error naming the closest. Pass record_schema to map_fields to see how it \
            maps onto a canonical type.",
        annotations(
            title = "Get one operation of an OpenAPI document",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_operation(
        &self,
        Parameters(mut args): Parameters<GetOperationArgs>,
    ) -> Result<Json<OperationDetails>, String> {
        let document = load_document(args.source()).await?;
        let report = discover(&document, self.registry());
        let operation = report
            .operation(&args.operation)
            .map_err(|error| error.to_string())?;
        Ok(Json(OperationDetails::new(operation.clone())))
    }

    #[tool(
        name = "generate_definition",
        title = "Generate a draft connector definition",
        description = "Draft a PullPush connector definition from an OpenAPI/Swagger document \
            (document text or url, as for discover_api) for the streams you choose, each a list \
            operation and the canonical type its records map to, e.g. [{\"operation\": \
            \"listOrders\", \"canonical_type\": \"order\"}]. Returns the definition, text (the \
            exact bytes `pullpush generate` writes: save and edit this), valid, diagnostics and \
            guesses: every choice made without certainty, with a JSON pointer into the \
            definition, a confidence and the reason. Review the guesses with confidence below \
            0.5 first, above all PLACEHOLDER ones (a required canonical field no native field \
            was found for: its mapping reads nothing until you replace it); check the rest. \
            warnings lists document problems the draft worked around. Then call \
            validate_definition on your edited text and test_definition against the live API. \
            An unknown operation or canonical type is a tool error naming the closest.",
        annotations(
            title = "Generate a draft connector definition",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn generate_definition(
        &self,
        Parameters(mut args): Parameters<GenerateDefinitionArgs>,
    ) -> Result<Json<GeneratedDefinition>, String> {
        if args.streams.is_empty() {
            return Err(
                "`streams` is empty: name at least one list operation and its \
                        canonical type, e.g. [{\"operation\": \"listOrders\", \
                        \"canonical_type\": \"order\"}]"
                    .into(),
            );
        }
        if args.streams.len() > MAX_STREAMS {
            return Err(format!(
                "{} streams requested; draft at most {MAX_STREAMS} per call",
                args.streams.len()
            ));
        }
        let document = load_document(args.source()).await?;
        let options = GenerateOptions {
            streams: args
                .streams
                .into_iter()
                .map(|stream| StreamRequest {
                    operation: stream.operation,
                    canonical_type: stream.canonical_type,
                })
                .collect(),
            id: args.id,
        };
        let draft =
            generate(&document, self.registry(), &options).map_err(|err| err.to_string())?;
        let text = draft.text();
        // Validated again as the text handed out, so lines and columns point into it.
        let report = DefinitionReport::new(&self.state.validator.validate(&text), true);
        let low_confidence_count = draft
            .guesses
            .iter()
            .filter(|guess| guess.confidence < 0.5)
            .count();
        Ok(Json(GeneratedDefinition {
            valid: report.valid,
            definition: draft.definition,
            text,
            guesses: draft.guesses,
            low_confidence_count,
            diagnostics: report.diagnostics,
            warnings: document
                .reference_problems()
                .iter()
                .take(MAX_WARNINGS)
                .map(|problem| format!("{problem} (read as any value)"))
                .collect(),
        }))
    }

    #[tool(
        name = "map_fields",
        title = "Suggest field mappings onto a canonical type",
        description = "Suggest how the fields of a native record map onto a canonical type, by \
            name, synonym, type and format: for each canonical field the mapping expression \
            (with the conversion it needs, e.g. {\"integer\": \"$.on_hand\"}), the native field \
            it reads, a confidence and the reason; the required fields nothing was found for; \
            and the record's native id and last-change time for source_id and \
            source_updated_at. mapping holds the same as a stream's mapping object, ready to \
            paste. Pass the JSON Schema of one native record: get_operation's record_schema or \
            test_definition's inferred_schema. Check low confidences and map \
            unmapped_required fields by hand.",
        annotations(
            title = "Suggest field mappings onto a canonical type",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    fn map_fields(
        &self,
        Parameters(args): Parameters<MapFieldsArgs>,
    ) -> Result<Json<FieldMapping>, String> {
        let ty = self.canonical_type(&args.canonical_type)?;
        let schema = match args.record_schema {
            object @ Value::Object(_) => object,
            Value::String(text) => match serde_json::from_str::<Value>(&text) {
                Ok(object @ Value::Object(_)) => object,
                _ => {
                    return Err("`record_schema` must be a JSON Schema object, e.g. \
                                {\"type\": \"object\", \"properties\": {...}}"
                        .into());
                }
            },
            other => {
                return Err(format!(
                    "`record_schema` must be a JSON Schema object, not {}",
                    json_kind(&other)
                ));
            }
        };
        Ok(Json(FieldMapping::new(&suggest_mappings(ty, &schema))))
    }

    #[tool(
        name = "probe_endpoint",
        title = "Probe a live list endpoint",
        description = "Learn a list endpoint from its live responses, for APIs without a usable \
            OpenAPI document: GET the url (read-only, only its host, public addresses unless \
            allow_internal), find the array of records, read every pagination signal (Link \
            headers, next URLs and cursors in the body, page and offset parameters, totals, \
            has_more flags), follow the best one for a few pages (default 3, at most 5) and \
            merge the schema of every record seen. Returns the records JSONPath for \
            read.records, pagination candidates as ready pagination objects with confidence \
            and evidence, the total when stated, the inferred record schema (pass it to \
            map_fields) and notes. Authenticate with bearer_token or headers; credentials are \
            never echoed. A URL that answers an error status, is not JSON or holds no array of \
            records is a tool error saying so.",
        annotations(
            title = "Probe a live list endpoint",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn probe_endpoint(
        &self,
        Parameters(args): Parameters<ProbeEndpointArgs>,
    ) -> Result<Json<ProbeResult>, String> {
        let url = url::Url::parse(&args.url).map_err(|err| format!("`url` is not a URL: {err}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "`url` must be http or https, not `{}`",
                url.scheme()
            ));
        }
        let secrets = Secrets::new();
        let credentials = match args.bearer_token {
            Some(token) => Credentials::Bearer { token },
            None => Credentials::None,
        };
        secrets.add_credentials(&credentials);
        for (name, value) in &args.headers {
            if pullpush_core::is_credential_name(name) {
                secrets.add(value.as_str());
            }
        }
        let stack = HttpStack::builder(url.origin().ascii_serialization(), credentials)
            .secrets(secrets.clone())
            .allow_internal(args.allow_internal)
            .read_only(true)
            .max_wait(std::time::Duration::from_secs(10))
            .build()
            .map_err(|err| format!("cannot set up HTTP: {err}"))?;
        let options = ProbeOptions {
            max_pages: args.max_pages.unwrap_or(3).clamp(1, MAX_PROBE_PAGES),
            headers: args.headers.into_iter().collect(),
        };
        match probe(&stack, url.as_str(), options).await {
            Ok(report) => Ok(Json(ProbeResult::new(report, &secrets))),
            Err(error) => {
                let hint = match &error {
                    ProbeError::Transport {
                        error: TransportError::Refused { .. },
                        ..
                    } if !args.allow_internal => {
                        " (for a server on this machine or a private network, set allow_internal)"
                    }
                    ProbeError::Status {
                        status: 401 | 403, ..
                    } => " (pass credentials with bearer_token or headers)",
                    _ => "",
                };
                Err(secrets.scrub(&format!("{error}{hint}")))
            }
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(
            Implementation::new("pullpush", env!("CARGO_PKG_VERSION"))
                .with_title("PullPush")
                .with_description(
                    "Validate declarative API connector definitions and inspect the canonical \
                     data model",
                ),
        )
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(
            self.state.resources.list(),
        ))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            SchemaResources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let contents = self
            .state
            .resources
            .read(&request.uri)
            .map_err(|message| ErrorData::resource_not_found(message, None))?;
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

/// The API description `source` names, read and checked; a message the model can act on when
/// that fails.
async fn load_document(source: Source) -> Result<ApiDocument, String> {
    let limit = DEFAULT_MAX_DOCUMENT_BYTES;
    let read = |result: std::result::Result<ApiDocument, DiscoverError>| {
        result.map_err(|err| err.to_string())
    };
    match (source.document, source.url) {
        (Some(_), Some(_)) => Err("give either `document` or `url`, not both".into()),
        (None, None) => Err(
            "give the API description: `document` (the OpenAPI or Swagger \
                             document's text) or `url` (where to fetch it)"
                .into(),
        ),
        (Some(Value::String(text)), None) => read(ApiDocument::parse(&text, limit)),
        (Some(object @ Value::Object(_)), None) => {
            let size = object.to_string().len() as u64;
            if size > limit {
                return Err(DiscoverError::TooLarge { size, limit }.to_string());
            }
            read(ApiDocument::from_value(object))
        }
        (Some(other), None) => Err(format!(
            "`document` must be the document's text (a string) or a JSON object, not {}",
            json_kind(&other)
        )),
        (None, Some(url)) => {
            let text = fetch_document(&url, limit, source.allow_internal).await?;
            read(ApiDocument::parse(&text, limit))
        }
    }
}

/// The text at `url`: one GET, read-only, through the egress policy, at most `limit` bytes.
async fn fetch_document(url: &str, limit: u64, allow_internal: bool) -> Result<String, String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    pullpush_http::fetch_text(url, limit, allow_internal)
        .await
        .map_err(|error| {
            let hint = if error.is_refused() && !allow_internal {
                " (for a server on this machine or a private network, set allow_internal)"
            } else if matches!(error, pullpush_http::FetchError::NotHttp { .. }) {
                "; pass a local document's text as `document`"
            } else {
                ""
            };
            format!("{error}{hint}")
        })
}

/// The JSON type of a value, for messages.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(document: Value) -> Source {
        Source {
            document: Some(document),
            url: None,
            allow_internal: false,
        }
    }

    // Over the protocol a document this large never arrives (rmcp drops JSON-RPC lines over
    // 16 MiB), so the limit is checked here.
    #[tokio::test(flavor = "current_thread")]
    async fn documents_over_the_limit_are_refused_in_both_forms() {
        let limit = DEFAULT_MAX_DOCUMENT_BYTES;
        let filler = "a".repeat(usize::try_from(limit).unwrap());
        let huge = format!("{{\"openapi\": \"3.0.0\", \"paths\": {{}}, \"x\": \"{filler}\"}}");
        let expected = format!("more than the limit of {limit} bytes");
        let message = load_document(text(Value::String(huge))).await.unwrap_err();
        assert!(message.contains(&expected), "{message}");
        let object = serde_json::json!({"openapi": "3.0.0", "paths": {}, "x": filler});
        let message = load_document(text(object)).await.unwrap_err();
        assert!(message.contains(&expected), "{message}");
    }
}
