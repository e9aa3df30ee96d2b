"""Data generation and assertions of the interop suites (stdlib only, run with python3).

Every command prints what it found and exits 0 when the assertion holds, 1 when it does not:

    assertions.py gen-products N DB_FILE          write a json-server db.json of N products
    assertions.py gen-contacts N FILE             write N contacts for the OAuth2-protected API
    assertions.py product-events EVENTS DB STREAM the events of STREAM: every product of DB read
                                                  exactly once, its data the mapping of it
    assertions.py contact-events EVENTS CONTACTS  the same for contacts
    assertions.py same-ids EVENTS_A EVENTS_B      both reads gave the same event ids (deterministic)
    assertions.py requests LOG PATH N [PARAM [HAVING]]
                                                  the json-server log shows N GET requests of PATH
                                                  (only those whose URL contains HAVING), with
                                                  PARAM=1..N in order when PARAM is given
    assertions.py test-report REPORT [STREAM...]  a `pullpush test --json` report that passed
    assertions.py absent STRING FILE...           STRING occurs in none of the files
    assertions.py singer-output DIR DB STREAM     a Singer target wrote STREAM's file in DIR with the
                                                  canonical record of every product of DB, once each
    assertions.py json-get FILE JSONPOINTER       print the value at a JSON pointer (for the scripts)
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import sys

CURRENCIES = ["eur", "usd", "gbp", "chf"]
STATES = {"published": "active", "draft": "draft", "retired": "archived"}
NAMES = ["Desk lamp", "Café table", "Übergröße jacket", "茶碗 tea bowl", "Crème brûlée torch"]


class Failed(Exception):
    pass


def product(i: int) -> dict:
    """Product i (1-based), deterministic, with the quirks a mapping has to handle."""
    base = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=37 * i)
    # Some timestamps carry an offset (the mapping normalises them to UTC), some are UTC.
    if i % 3 == 0:
        offset = dt.timezone(dt.timedelta(hours=2))
        updated = base.astimezone(offset).isoformat()
    else:
        updated = base.strftime("%Y-%m-%dT%H:%M:%SZ")
    price = (i * 7) % 100 if i % 4 == 0 else round((i * 7) % 100 + ((i * 13) % 99 + 1) / 100, 2)
    variants = [
        {"sku": f"JS-{i:04d}-{v}", "title": f"Size {v}", "price": price + v if isinstance(price, int) else round(price + v, 2)}
        for v in range(1, i % 3 + 1)
    ]
    return {
        "id": i,
        "sku": f"JS-{i:04d}",
        "name": f"{NAMES[i % len(NAMES)]} #{i}",
        "description": None if i % 5 == 0 else f"Product number {i}.",
        "price": price,
        "currency": CURRENCIES[i % len(CURRENCIES)],
        "state": list(STATES)[i % len(STATES)],
        "variants": variants,
        "updated_at": updated,
    }


def contact(i: int) -> dict:
    created = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(hours=11 * i)
    return {
        "id": 1000 + i,
        "first_name": ["Ada", "Grace", "Linus", "Margaret", "Dennis"][i % 5],
        "last_name": f"Tester{i}",
        "email": f"Person.{i}@Example.COM",
        "phone": None if i % 4 == 0 else f"+49 30 {1000000 + i}",
        "company": f"Company {i % 17}",
        "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def utc(value: str) -> str:
    return (
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        .astimezone(dt.timezone.utc)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def decimal(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        # JSON.stringify writes 40.0 as 40; so does the server that served it.
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def expected_product(p: dict, stream: str) -> dict:
    if stream == "products_by_page":
        return {"sku": p["sku"], "title": p["name"], "productId": str(p["id"])}
    return {
        "sku": p["sku"],
        "title": p["name"],
        "description": p["description"],
        "price": decimal(p["price"]),
        "currency": p["currency"].upper(),
        "status": STATES[p["state"]],
        "variants": [
            {"sku": v["sku"], "title": v["title"], "price": decimal(v["price"])}
            for v in p["variants"]
        ],
        "productId": str(p["id"]),
        "updatedAt": utc(p["updated_at"]),
    }


def expected_contact(c: dict) -> dict:
    return {
        "email": c["email"].lower(),
        "firstName": c["first_name"],
        "lastName": c["last_name"],
        "name": f"{c['first_name']} {c['last_name']}",
        "phone": c["phone"],
        "company": c["company"],
        "contactId": str(c["id"]),
        "createdAt": c["created_at"],
    }


def same(actual: dict, expected: dict) -> list[str]:
    """Differences, treating a null expected value as 'absent or null'."""
    problems = []
    for name, want in expected.items():
        have = actual.get(name)
        if have != want:
            problems.append(f"{name}: expected {want!r}, got {have!r}")
    for name in actual.keys() - expected.keys():
        problems.append(f"unexpected field {name}={actual[name]!r}")
    return problems


def read_jsonl(path: str) -> list[dict]:
    lines = pathlib.Path(path).read_text(encoding="utf-8").splitlines()
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise Failed(f"{path}:{number} is not JSON ({error}): {line[:200]}")
    return out


def check_events(events: list[dict], want: dict[str, dict], key: str, stream: str, ctype: str):
    """`want` maps each key value to the expected canonical data."""
    seen: dict[str, int] = {}
    problems = []
    for event in events:
        if event.get("type") != ctype:
            problems.append(f"event of type {event.get('type')!r}, expected {ctype}")
            continue
        if event.get("source", {}).get("stream") != stream:
            problems.append(f"event of stream {event.get('source', {}).get('stream')!r}")
            continue
        if event.get("operation") != "upsert":
            problems.append(f"operation {event.get('operation')!r}")
        data = event.get("data", {})
        value = data.get(key)
        seen[value] = seen.get(value, 0) + 1
        if event.get("key") != {key: value}:
            problems.append(f"{value}: key {event.get('key')!r}")
        if value in want:
            diff = same(data, want[value])
            if diff:
                problems.append(f"{value}: " + "; ".join(diff))
        if not re.fullmatch(r"[0-9a-f]{64}", str(event.get("id", ""))):
            problems.append(f"{value}: id {event.get('id')!r} is not a sha256")
    duplicates = sorted(k for k, n in seen.items() if n > 1)
    missing = sorted(set(want) - set(seen))
    extra = sorted(set(seen) - set(want), key=str)
    if duplicates:
        problems.append(f"{len(duplicates)} read more than once, e.g. {duplicates[:3]}")
    if missing:
        problems.append(f"{len(missing)} never read, e.g. {missing[:3]}")
    if extra:
        problems.append(f"{len(extra)} not in the source, e.g. {extra[:3]}")
    if problems:
        raise Failed(f"{len(events)} events; " + " | ".join(problems[:8]))
    print(f"{len(events)} events, {len(seen)} unique {key}s, every one as expected")


def cmd_gen_products(n: str, out: str):
    db = {"products": [product(i) for i in range(1, int(n) + 1)]}
    pathlib.Path(out).write_text(json.dumps(db, ensure_ascii=False, indent=1), encoding="utf-8")


def cmd_gen_contacts(n: str, out: str):
    contacts = [contact(i) for i in range(1, int(n) + 1)]
    pathlib.Path(out).write_text(json.dumps(contacts, ensure_ascii=False), encoding="utf-8")


def cmd_product_events(events: str, db: str, stream: str):
    products = json.loads(pathlib.Path(db).read_text(encoding="utf-8"))["products"]
    want = {p["sku"]: expected_product(p, stream) for p in products}
    of_stream = [e for e in read_jsonl(events) if e.get("source", {}).get("stream") == stream]
    check_events(of_stream, want, "sku", stream, "product")


def cmd_contact_events(events: str, contacts_file: str):
    contacts = json.loads(pathlib.Path(contacts_file).read_text(encoding="utf-8"))
    want = {c["email"].lower(): expected_contact(c) for c in contacts}
    check_events(read_jsonl(events), want, "email", "contacts", "contact")


def cmd_same_ids(a: str, b: str):
    # Sorted: streams are read concurrently, so their events interleave differently each time.
    ids_a = sorted(e["id"] for e in read_jsonl(a))
    ids_b = sorted(e["id"] for e in read_jsonl(b))
    if not ids_a:
        raise Failed("the first read gave no event")
    if ids_a != ids_b:
        raise Failed(
            f"{len(set(ids_a) ^ set(ids_b))} ids differ between the two reads "
            f"({len(ids_a)} and {len(ids_b)} events)"
        )
    print(f"{len(ids_a)} identical event ids")


def cmd_requests(log: str, path: str, count: str, param: str = "", having: str = ""):
    # json-server logs `GET /products?_page=2&_limit=25 200 3.1 ms - 5.1kb` per request.
    pattern = re.compile(r"GET (" + re.escape(path) + r"(?:\?\S*)?) (\d{3})")
    text = re.sub(r"\x1b\[[0-9;]*m", "", pathlib.Path(log).read_text(encoding="utf-8"))
    hits = [(url, status) for url, status in pattern.findall(text) if having in url]
    statuses = sorted({s for _, s in hits})
    if len(hits) != int(count):
        raise Failed(
            f"{len(hits)} GET {path} requests with {having!r} (statuses {statuses}), expected {count}"
        )
    if any(s != "200" for _, s in hits):
        raise Failed(f"statuses {statuses}")
    if param:
        pages = [re.search(rf"[?&]{re.escape(param)}=(\d+)", u) for u, _ in hits]
        numbers = [int(p.group(1)) if p else None for p in pages]
        if numbers != list(range(1, len(hits) + 1)):
            raise Failed(f"{param} values in order: {numbers}")
    print(f"{len(hits)} GET {path} requests with {having!r}, all 200")


def cmd_test_report(report: str, *streams: str):
    data = json.loads(pathlib.Path(report).read_text(encoding="utf-8"))
    problems = []
    if data.get("passed") is not True:
        problems.append("passed is not true")
    names = [s.get("name") for s in data.get("streams", [])]
    for name in streams:
        if name not in names:
            problems.append(f"no stream {name} in the report (has {names})")
    for stream in data.get("streams", []):
        failed = [c.get("name") for c in stream.get("checks", []) if not c.get("passed")]
        if failed or not stream.get("passed"):
            problems.append(f"{stream.get('name')}: failed checks {failed}")
        if not stream.get("valid"):
            problems.append(f"{stream.get('name')}: no valid record")
    if problems:
        raise Failed("; ".join(problems))
    summary = ", ".join(
        f"{s['name']}: {s.get('page_count')} page(s), {s.get('valid')} valid"
        for s in data["streams"]
    )
    print(f"passed ({summary})")


def cmd_absent(needle: str, *files: str):
    found = [f for f in files if needle in pathlib.Path(f).read_text(encoding="utf-8", errors="replace")]
    if found:
        raise Failed(f"found in {', '.join(found)}")
    print(f"absent from {len(files)} file(s)")


def cmd_singer_output(directory: str, db: str, stream: str):
    # target-jsonl names files STREAM.jsonl, or STREAM-YYYYmmddTHHMMSS.jsonl with timestamps.
    name = re.compile(re.escape(stream) + r"(-\d{8}T\d{6})?\.jsonl")
    files = sorted(f for f in pathlib.Path(directory).iterdir() if name.fullmatch(f.name))
    if len(files) != 1:
        raise Failed(
            f"expected one {stream}.jsonl in the target's output, found "
            f"{sorted(f.name for f in pathlib.Path(directory).iterdir())}"
        )
    records = read_jsonl(str(files[0]))
    products = json.loads(pathlib.Path(db).read_text(encoding="utf-8"))["products"]
    want = {p["sku"]: expected_product(p, stream) for p in products}
    events = [
        {"type": "product", "operation": "upsert", "key": {"sku": r.get("sku")}, "data": r,
         "source": {"stream": stream}, "id": "0" * 64}
        for r in records
    ]
    check_events(events, want, "sku", stream, "product")


def cmd_json_get(path: str, pointer: str):
    value = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        value = value[int(part)] if isinstance(value, list) else value[part]
    print(value if isinstance(value, str) else json.dumps(value))


COMMANDS = {
    "gen-products": cmd_gen_products,
    "gen-contacts": cmd_gen_contacts,
    "product-events": cmd_product_events,
    "contact-events": cmd_contact_events,
    "same-ids": cmd_same_ids,
    "requests": cmd_requests,
    "test-report": cmd_test_report,
    "absent": cmd_absent,
    "singer-output": cmd_singer_output,
    "json-get": cmd_json_get,
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        COMMANDS[sys.argv[1]](*sys.argv[2:])
    except Failed as error:
        print(error)
        return 1
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        print(f"{type(error).__name__}: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
