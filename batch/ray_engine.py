"""`--engine ray`: Ray Data reads the shards, an actor pool analyses them, a sink writes them.

One read task per shard yields the shard as one block (``override_num_blocks`` keeps Ray
from splitting it), ``map_batches`` with ``batch_size=None`` hands each block whole to an
actor that loaded the models once, and the sink writes each shard with the same code, and the
same manifest entry, as the local engine. So a shard is still the unit of resume: a write
task killed halfway leaves no entry and the next run does that shard again.

Read and write tasks ask for no CPU: they parse or serialise a shard in milliseconds, and
with them holding CPUs a pool sized to every core could wait forever for a free one. Tasks
without CPUs are not limited by the cluster's size, so their concurrency is capped instead:
two of each keep even hundreds of actors fed (an actor spends minutes on a shard that takes
milliseconds to read), where an uncapped read of many shards starts one Python worker process
per task, each paying an interpreter start and a hundred MiB.
"""

from __future__ import annotations

import json
import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import pyarrow as pa
import ray
import ray.data
from ray.data.block import Block, BlockAccessor, BlockMetadata
from ray.data.datasource import Datasink, Datasource, ReadTask

from batch.analysis import analyze_rows, load_models
from batch.job import Job, check_versions
from batch.output import write_shard
from batch.sources import Shard, SourceRow, read_shard

# Environment the actors need to load the same models as the driver checked.
FORWARDED_ENV = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM")
LOCAL_OBJECT_STORE_BYTES = 1 << 30
IO_CONCURRENCY = 2
log = logging.getLogger(__name__)

_ROWS = pa.schema(
    [
        ("shard", pa.string()),
        ("source", pa.string()),
        ("line", pa.int64()),
        ("text", pa.string()),
        ("problem", pa.string()),
        ("duplicate_of", pa.string()),
    ]
)


def _shard_block(shard: Shard) -> list[pa.Table]:
    rows = read_shard(shard)
    return [
        pa.Table.from_pydict(
            {
                "shard": [shard.key] * len(rows),
                "source": [shard.source] * len(rows),
                "line": [r.line for r in rows],
                "text": [r.text for r in rows],
                "problem": [r.problem for r in rows],
                "duplicate_of": [r.duplicate_of for r in rows],
            },
            schema=_ROWS,
        )
    ]


class ShardDatasource(Datasource):
    """One read task per shard, reading it with ``batch.sources.read_shard``."""

    def __init__(self, shards: Sequence[Shard]) -> None:
        super().__init__()
        self.shards = list(shards)

    def estimate_inmemory_data_size(self) -> int | None:
        return sum(shard.stop - shard.start for shard in self.shards if shard.format == "jsonl")

    def get_read_tasks(
        self,
        parallelism: int,
        per_task_row_limit: int | None = None,
        data_context: Any = None,
    ) -> list[ReadTask]:
        return [
            ReadTask(
                partial(_shard_block, shard),
                BlockMetadata(
                    num_rows=shard.rows,
                    size_bytes=None,
                    input_files=(shard.path,),
                    exec_stats=None,
                ),
                schema=_ROWS,
                per_task_row_limit=per_task_row_limit,
            )
            for shard in self.shards
        ]


class ShardAnalyzer:
    """A pool actor: loads the models once, then analyses whole shards."""

    def __init__(self, job: Job) -> None:
        self.analyzer = load_models(job.torch_threads)
        self.job = job
        check_versions(self.analyzer, job)

    def __call__(self, batch: pa.Table) -> pa.Table:
        columns = batch.to_pydict()
        by_shard: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(columns["shard"]):
            by_shard[key].append(i)
        out: dict[str, list[Any]] = {"shard": [], "line": [], "result": []}
        for key, indexes in by_shard.items():
            rows = [
                SourceRow(
                    columns["line"][i],
                    columns["text"][i],
                    columns["problem"][i],
                    columns["duplicate_of"][i],
                )
                for i in indexes
            ]
            source = columns["source"][indexes[0]]
            results = analyze_rows(self.analyzer, self.job.options, source, rows, self.job.versions)
            out["shard"].extend([key] * len(rows))
            out["line"].extend(r.line for r in rows)
            out["result"].extend(json.dumps(r, ensure_ascii=False) for r in results)
        return pa.Table.from_pydict(out)


class ShardSink(Datasink[list[dict[str, Any]]]):
    """Writes every complete shard it is given as its part file and manifest entry."""

    def __init__(self, job: Job, shards: Sequence[Shard]) -> None:
        self.job = job
        self.shards = {shard.key: shard for shard in shards}

    def write(self, blocks: Iterable[Block], ctx: Any) -> list[dict[str, Any]]:
        grouped: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for block in blocks:
            table = BlockAccessor.for_block(block).to_arrow().to_pydict()
            for key, line, result in zip(
                table["shard"], table["line"], table["result"], strict=True
            ):
                grouped[key].append((line, result))
        entries = []
        for key, rows in grouped.items():
            shard = self.shards[key]
            if len(rows) != shard.rows:  # Ray split the shard: leave it for the next run
                log.warning("shard %s reached one write task in part; not written", key)
                continue
            results = [json.loads(result) for _, result in sorted(rows)]
            entries.append(write_shard(self.job.output, shard, results, self.job.format, 0.0))
        return entries


def _start(address: str | None, workers: int | None) -> int:
    """Join the cluster at ``address`` or start a local one; return the actor pool size."""
    env = {k: v for k, v in os.environ.items() if k.startswith("NEWSBRIEF_") or k in FORWARDED_ENV}
    runtime_env = {"env_vars": env}
    if address is not None:
        ray.init(address=address, runtime_env=runtime_env, log_to_driver=True)
        return workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    cpus = workers or os.cpu_count() or 1
    ray.init(
        num_cpus=cpus,
        include_dashboard=False,
        object_store_memory=LOCAL_OBJECT_STORE_BYTES,
        runtime_env=runtime_env,
    )
    return cpus


def run_ray(shards: Sequence[Shard], job: Job, workers: int | None, address: str | None) -> None:
    """Process ``shards`` on Ray Data; finished shards have their manifest entries."""
    pool = _start(address, workers)
    try:
        dataset = ray.data.read_datasource(
            ShardDatasource(shards),
            override_num_blocks=len(shards),
            num_cpus=0,
            concurrency=IO_CONCURRENCY,
        )
        dataset = dataset.map_batches(
            ShardAnalyzer,
            fn_constructor_args=(job,),
            batch_size=None,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=pool),
            num_cpus=1,
        )
        dataset.write_datasink(
            ShardSink(job, shards), ray_remote_args={"num_cpus": 0}, concurrency=IO_CONCURRENCY
        )
    finally:
        ray.shutdown()
