#!/usr/bin/env python3
"""Writes the end-to-end benchmark's static pages (see BENCHMARKS.md, `bash bench/run.sh`).

    python3 bench/gen_data.py OUT_DIR BASE_URL NAME RECORDS

writes OUT_DIR/NAME/page-1.json ... page-P.json, 100 order records per page. Each page is
`{"data": [...], "next": "BASE_URL/data/NAME/page-(n+1).json"}`, with `"next": null` on the last
page, so every tool follows the same body next-URL pagination. The records are deterministic
(a fixed seed per size) and look like a shop API's orders: string and integer ids, a status code
to look up, a lower-case currency, money as decimal strings, as JSON numbers and as integer
cents, RFC 3339 timestamps with offsets, a nested customer object, 1 to 4 line items and a tag
array.
"""

import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

PER_PAGE = 100
STATUSES = ["pending", "paid", "fulfilled", "on_hold", "cancelled", "refunded"]
CURRENCIES = ["eur", "usd", "gbp", "chf", "sek"]
FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Linus"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton", "Torvalds"]
PRODUCTS = ["Oak shelf", "Steel bracket", "Wool blanket", "Ceramic mug", "Desk lamp", "Linen towel", "Glass jar", "Walnut board"]
TAGS = ["web", "pos", "wholesale", "gift", "priority", "repeat", "b2b"]
OFFSETS = [timezone.utc, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def money(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def record(rng, number):
    lines = []
    subtotal = 0
    for _ in range(rng.randint(1, 4)):
        qty = rng.randint(1, 12)
        unit = rng.randint(99, 25_000)
        subtotal += qty * unit
        sku = rng.randint(1, 5000)
        lines.append({
            "sku": f"SKU-{sku:05d}",
            "product_id": sku,
            "title": rng.choice(PRODUCTS),
            "qty": qty,
            "unit_price": money(unit),
            "line_total": money(qty * unit),
        })
    tax = subtotal * 19 // 100
    shipping = rng.choice([0, 495, 990])
    created = EPOCH + timedelta(seconds=rng.randint(0, 300 * 86_400))
    updated = created + timedelta(seconds=rng.randint(0, 20 * 86_400))
    first, last = rng.choice(FIRST), rng.choice(LAST)
    customer = rng.randint(1, 50_000)
    return {
        "id": 1_000_000 + number,
        "number": f"SO-{number:07d}",
        "status": rng.choice(STATUSES),
        "currency": rng.choice(CURRENCIES),
        "total": money(subtotal + tax + shipping),
        "subtotal": subtotal / 100,
        "tax_cents": tax,
        "shipping_cents": shipping,
        "created_at": created.astimezone(rng.choice(OFFSETS)).isoformat(),
        "updated_at": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "customer": {
            "id": customer,
            "email": f"{first}.{last}{customer}@Example.com",
            "first_name": first,
            "last_name": last,
        },
        "lines": lines,
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
    }


def main():
    out_dir, base_url, name, total = sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3], int(sys.argv[4])
    rng = random.Random(total)
    pages = (total + PER_PAGE - 1) // PER_PAGE
    directory = os.path.join(out_dir, name)
    os.makedirs(directory, exist_ok=True)
    number = 0
    size = 0
    for page in range(1, pages + 1):
        data = []
        for _ in range(min(PER_PAGE, total - number)):
            number += 1
            data.append(record(rng, number))
        next_url = f"{base_url}/data/{name}/page-{page + 1}.json" if page < pages else None
        body = json.dumps({"data": data, "next": next_url}, separators=(",", ":"))
        size += len(body)
        with open(os.path.join(directory, f"page-{page}.json"), "w", encoding="utf-8") as file:
            file.write(body)
    print(f"{name}: {number} records, {pages} pages, {size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
