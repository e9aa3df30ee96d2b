"""The end-to-end benchmark's dlt reader (bench/run.sh, BENCHMARKS.md).

    python bench/dlt/read_rest_api.py iterate BASE_URL DATASET
    python bench/dlt/read_rest_api.py extract BASE_URL DATASET PIPELINES_DIR

Builds dlt's declarative `rest_api` source over the same static pages as
bench/definitions/bench.json: records at `data`, the next page's absolute URL at `next`, followed
with the `json_link` paginator until it is null. Then:

- `iterate` iterates the `orders` resource and counts the records: HTTP through dlt's RESTClient
  (requests), JSON decoding, data selection, pagination and the resource pipe. Nothing is
  written: no extract files, no schema, no normalize, no load. dlt's cheapest path.
- `extract` runs `pipeline.extract(source)` on a pipeline without a destination, in
  PIPELINES_DIR: the same, plus dlt's extract step proper (schema inference and the items written
  to the load package's extract files, gzip-compressed typed JSON lines, dlt's defaults). No
  normalize, no load. The count comes from dlt's own extract metrics.

Prints `records=N` on stderr.
"""

import sys

import dlt
from dlt.sources.rest_api import rest_api_source


def source(base_url: str, dataset: str):
    return rest_api_source(
        {
            "client": {
                "base_url": base_url.rstrip("/") + "/",
                "headers": {"Accept": "application/json"},
                "paginator": {"type": "json_link", "next_url_path": "next"},
            },
            "resource_defaults": {"write_disposition": "replace"},
            "resources": [
                {
                    "name": "orders",
                    "primary_key": "id",
                    "endpoint": {
                        "path": f"data/{dataset}/page-1.json",
                        "data_selector": "data",
                    },
                }
            ],
        }
    )


def main() -> None:
    mode, base_url, dataset = sys.argv[1:4]
    records = 0
    if mode == "iterate":
        for item in source(base_url, dataset).resources["orders"]:
            records += len(item) if isinstance(item, list) else 1
    elif mode == "extract":
        pipeline = dlt.pipeline(
            pipeline_name="bench_orders", pipelines_dir=sys.argv[4], destination=None
        )
        info = pipeline.extract(source(base_url, dataset))
        for metrics in info.metrics.values():
            for step in metrics:
                for job, writer in step["job_metrics"].items():
                    if job.startswith("orders."):
                        records += writer.items_count
    else:
        sys.exit(f"unknown mode {mode}: iterate or extract")
    print(f"records={records}", file=sys.stderr)


if __name__ == "__main__":
    main()
