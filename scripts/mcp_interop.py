"""Interop test: the official MCP Python SDK drives `pullpush mcp` over stdio.

An independent client implementation checks what the in-process Rust tests cannot: that a
client other than rmcp can start the server, negotiate a protocol revision, read the tool list
and call the tools, and that every structured result validates against the tool's declared
output schema (the SDK checks that itself on every successful call).

It runs twice: once with the `initialize` handshake (mode "legacy", revision 2025-11-25) and once
the way current clients connect (mode "auto": `server/discover`, then revision 2026-07-28 with
per-request metadata). Nothing here touches the network.

Run it through scripts/mcp-interop.sh, which installs the pinned SDK and builds the binary:

    python scripts/mcp_interop.py target/debug/pullpush

Prints one line per check and a final `N passed, M failed`; exits 1 if any check failed.
"""

import json
import sys
import traceback
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

TOOLS = {
    "discover_api",
    "generate_definition",
    "get_canonical_type",
    "get_connector_schema",
    "get_operation",
    "list_canonical_types",
    "map_fields",
    "probe_endpoint",
    "test_definition",
    "validate_canonical_records",
    "validate_definition",
}

# The tools that may reach outside this machine: the live test and probe, and the discovery tools
# (their `url` form fetches the document; here they are only given documents as text).
OPEN_WORLD = {
    "discover_api",
    "generate_definition",
    "get_operation",
    "probe_endpoint",
    "test_definition",
}

# The demo API's OpenAPI document, passed to the discovery tools as text.
DEMO_OPENAPI = (
    Path(__file__).resolve().parent.parent / "pullpush-demo" / "openapi.json"
).read_text()

# A valid stock-level connector with bearer auth from config.
STOCK_VALID = json.dumps(
    {
        "id": "acme-inventory",
        "name": "Acme Inventory",
        "version": "1.0.0",
        "config_spec": {
            "properties": {"api_token": {"type": "string", "secret": True}},
            "required": ["api_token"],
        },
        "base_url": "https://api.acme.example/v1",
        "auth": {"type": "bearer", "token": "{{ config.api_token }}"},
        "streams": [
            {
                "name": "stock_levels",
                "canonical_type": "stocklevel",
                "read": {"path": "/stock", "records": "$.items[*]"},
                "mapping": {
                    "fields": {
                        "sku": "$.sku",
                        "locationId": {"string": "$.warehouse_id"},
                        "quantity": {"integer": "$.on_hand"},
                    }
                },
            }
        ],
    },
    indent=2,
)

# A contact connector whose mapping has a typo, `nmae` for `name`: line 7, column 47.
CONTACT_TYPO = """{
  "id": "acme", "name": "Acme", "version": "1.0.0",
  "base_url": "https://api.acme.example",
  "streams": [{
    "name": "contacts", "canonical_type": "contact",
    "read": {"path": "/contacts", "records": "$.data[*]"},
    "mapping": {"fields": {"email": "$.mail", "nmae": "$.name"}}
  }]
}"""


class Report:
    """Counts checks and prints one line for each."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def check(self, name: str, condition: bool, detail: object = "") -> None:
        if condition:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {detail}")


def text_of(result) -> str:
    return result.content[0].text if result.content else ""


async def run_session(binary: str, mode: str, expected_version: str, report: Report) -> None:
    check = lambda name, condition, detail="": report.check(f"[{mode}] {name}", condition, detail)  # noqa: E731
    server = StdioServerParameters(command=binary, args=["mcp"])
    async with Client(server, mode=mode, read_timeout_seconds=30) as client:
        check(
            f"negotiates protocol {expected_version}",
            client.protocol_version == expected_version,
            client.protocol_version,
        )
        check(
            "names the server",
            client.server_info is not None and client.server_info.name == "pullpush",
            client.server_info,
        )
        instructions = client.instructions or ""
        check("gives workflow instructions", "validate_definition" in instructions, instructions[:80])

        tools = (await client.list_tools()).tools
        names = {tool.name for tool in tools}
        check(f"lists exactly the {len(TOOLS)} tools", names == TOOLS, sorted(names))
        for tool in tools:
            hints = tool.annotations
            honest = (
                hints is not None
                and hints.read_only_hint is True
                and hints.destructive_hint is False
                and hints.idempotent_hint is True
                and hints.open_world_hint is (tool.name in OPEN_WORLD)
            )
            world = "open-world" if tool.name in OPEN_WORLD else "closed-world"
            check(f"{tool.name} is annotated read-only, idempotent, {world}", honest, hints)
            check(
                f"{tool.name} has object input and output schemas",
                tool.input_schema.get("type") == "object"
                and tool.output_schema is not None
                and tool.output_schema.get("type") == "object",
                (tool.input_schema, tool.output_schema),
            )

        result = await client.call_tool("validate_definition", {"definition": STOCK_VALID})
        report_ = result.structured_content or {}
        check(
            "validate_definition: a valid definition is valid",
            not result.is_error and report_.get("valid") is True and report_.get("error_count") == 0,
            report_,
        )

        result = await client.call_tool("validate_definition", {"definition": CONTACT_TYPO})
        report_ = result.structured_content or {}
        diagnostics = report_.get("diagnostics") or [{}]
        first = diagnostics[0]
        check(
            "validate_definition: an invalid definition is a successful result",
            not result.is_error and report_.get("valid") is False and report_.get("error_count") == 1,
            report_,
        )
        check(
            "validate_definition: the typo is located by code, pointer, line and column",
            (first.get("code"), first.get("pointer"), first.get("line"), first.get("column"))
            == ("unknown-canonical-field", "/streams/0/mapping/fields/nmae", 7, 47),
            first,
        )
        check(
            "validate_definition: the hint suggests the field",
            first.get("hint") == "did you mean `name`?",
            first,
        )
        check(
            "validate_definition: the text block mirrors the structured content",
            json.loads(text_of(result)) == report_,
            text_of(result)[:120],
        )

        result = await client.call_tool(
            "validate_definition", {"definition": json.loads(CONTACT_TYPO)}
        )
        first = ((result.structured_content or {}).get("diagnostics") or [{}])[0]
        check(
            "validate_definition: an object definition is located by pointer only",
            first.get("pointer") == "/streams/0/mapping/fields/nmae" and first.get("line") is None,
            first,
        )

        result = await client.call_tool("get_canonical_type", {"name": "stocklevel"})
        output = result.structured_content or {}
        schema = output.get("schema") or {}
        check(
            "get_canonical_type: stocklevel has its schema and key",
            not result.is_error
            and schema.get("x-pullpush-key") == ["sku", "locationId"]
            and "quantity" in schema.get("required", []),
            output,
        )

        result = await client.call_tool("get_canonical_type", {"name": "stocklvl"})
        check(
            "get_canonical_type: an unknown name is a tool error with a suggestion",
            result.is_error is True and "did you mean `stocklevel`?" in text_of(result),
            (result.is_error, text_of(result)),
        )

        result = await client.call_tool(
            "validate_canonical_records",
            {
                "type": "stocklevel",
                "records": [
                    {"sku": "A-1", "locationId": "berlin", "quantity": 12},
                    {"sku": "A-2", "locationId": "berlin", "quantity": None},
                ],
            },
        )
        output = result.structured_content or {}
        invalid = output.get("invalid_records") or [{}]
        check(
            "validate_canonical_records: a null quantity is caught",
            output.get("invalid_count") == 1
            and invalid[0].get("index") == 1
            and invalid[0].get("errors", [{}])[0].get("path") == "/quantity",
            output,
        )

        result = await client.call_tool("list_canonical_types", {})
        types = {t["name"] for t in (result.structured_content or {}).get("types", [])}
        check(
            "list_canonical_types: lists the built-in types",
            {"stocklevel", "order", "product", "contact", "invoice", "call"} <= types,
            sorted(types),
        )

        result = await client.call_tool("get_connector_schema", {})
        schema = (result.structured_content or {}).get("schema") or {}
        check(
            "get_connector_schema: returns the connector schema",
            schema.get("$id") == "https://pullpush.dev/schemas/connector.schema.json",
            list(schema)[:5],
        )

        result = await client.call_tool("discover_api", {"document": DEMO_OPENAPI})
        output = result.structured_content or {}
        operations = {op.get("id"): op for op in output.get("operations", [])}
        products = (operations.get("listProducts") or {}).get("list") or {}
        check(
            "discover_api: the demo document's listProducts is a cursor-paginated list",
            not result.is_error
            and output.get("title") == "PullPush Demo Commerce API"
            and products.get("records") == "$.data[*]"
            and (products.get("pagination") or {}).get("kind") == "cursor"
            and ((products.get("canonical") or [{}])[0]).get("canonical_type") == "product",
            output if result.is_error else products,
        )
        check(
            "discover_api: record schemas are left out of the summary",
            "record_schema" not in products,
            sorted(products),
        )

        result = await client.call_tool(
            "generate_definition",
            {
                "document": DEMO_OPENAPI,
                "streams": [{"operation": "listProducts", "canonical_type": "product"}],
            },
        )
        draft = result.structured_content or {}
        stream = ((draft.get("definition") or {}).get("streams") or [{}])[0]
        check(
            "generate_definition: the demo products stream is drafted and valid",
            not result.is_error
            and draft.get("valid") is True
            and stream.get("canonical_type") == "product"
            and (stream.get("pagination") or {}).get("type") == "cursor",
            draft if result.is_error else stream,
        )
        check(
            "generate_definition: text is the definition as pretty JSON with a final newline",
            isinstance(draft.get("text"), str)
            and draft["text"].endswith("\n")
            and json.loads(draft["text"]) == draft.get("definition"),
            (draft.get("text") or "")[:120],
        )
        result = await client.call_tool("validate_definition", {"definition": draft.get("text", "")})
        check(
            "generate_definition: the draft text passes validate_definition",
            (result.structured_content or {}).get("valid") is True,
            result.structured_content,
        )

        result = await client.call_tool(
            "get_operation", {"document": DEMO_OPENAPI, "operation": "listProduct"}
        )
        check(
            "get_operation: an unknown operation is a tool error naming the closest",
            result.is_error is True and 'did you mean "listProducts"?' in text_of(result),
            (result.is_error, text_of(result)),
        )

        resources = (await client.list_resources()).resources
        uris = [str(resource.uri) for resource in resources]
        check(
            "resources: the connector and canonical schemas are listed",
            "pullpush://schemas/connector.json" in uris
            and "pullpush://canonical/stocklevel.json" in uris,
            uris,
        )
        contents = (await client.read_resource("pullpush://canonical/stocklevel.json")).contents
        check(
            "resources: a canonical schema reads as JSON",
            json.loads(contents[0].text).get("title") == "stocklevel",
            contents[0],
        )


async def main(binary: str) -> int:
    report = Report()
    for mode, version in (("legacy", "2025-11-25"), ("auto", "2026-07-28")):
        try:
            await run_session(binary, mode, version, report)
        except Exception:  # noqa: BLE001 - a crash is one more failed check, with its traceback
            report.check(f"[{mode}] session runs to the end", False, traceback.format_exc())
    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: mcp_interop.py PATH_TO_PULLPUSH_BINARY", file=sys.stderr)
        sys.exit(2)
    sys.exit(anyio.run(main, sys.argv[1]))
