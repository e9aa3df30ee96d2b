"""Validate examples against schemas/connector.schema.json with Python's jsonschema."""

import json
import pathlib
import sys

from jsonschema import Draft202012Validator

ROOT = pathlib.Path(__file__).resolve().parent.parent
STRUCTURAL = {"unknown-field", "wrong-type", "missing-field", "invalid-value"}


def main() -> int:
    schema = json.loads((ROOT / "schemas/connector.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    passed = failed = 0

    def verdict(ok: bool, what: str) -> None:
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}", file=sys.stderr)

    for path in sorted((ROOT / "examples/definitions").glob("*.json")):
        errors = list(validator.iter_errors(json.loads(path.read_text())))
        verdict(not errors, f"{path.name} should be valid: {[e.message for e in errors][:3]}")

    expected = json.loads((ROOT / "examples/broken/expected.json").read_text())
    for name, diagnostics in sorted(expected.items()):
        codes = {d["code"] for d in diagnostics}
        text = (ROOT / "examples/broken" / name).read_text()
        if "invalid-json" in codes:
            try:
                json.loads(text)
                verdict(False, f"{name} should not parse as JSON")
            except json.JSONDecodeError:
                verdict(True, name)
        elif codes & STRUCTURAL:
            verdict(not validator.is_valid(json.loads(text)), f"{name} should be rejected by the schema")
        else:
            # Semantic errors are ours to catch: the schema alone accepts these documents.
            verdict(validator.is_valid(json.loads(text)), f"{name} is only semantically broken; the schema should accept it")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
