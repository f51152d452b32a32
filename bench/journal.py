"""Cost of the hash chain on journal writes (G-5.13, G-5.16), on PostgreSQL.

    DATABASE_URL=postgres://user:password@host:port/db python bench/journal.py [--rows 400]

Creates a throwaway database `oqu_bench_journal`, migrates it, and measures action-journal writes
per second, each write its own transaction as in a service, with and without the chain:
- 1 writer;
- 8 concurrent writer processes, each writing for its own organization (chains never contend).
Prints the throughput with the chain divided by the throughput without it (target: the chain
costs < 20 % of write throughput, i.e. a ratio > 0.80). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import subprocess
import sys
import time
from pathlib import Path

from pgbench_db import connect_admin, database_url, drop, recreate, url_for

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "oqu_bench_journal"
WRITERS = 8


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "oqu.settings.dev"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _prepare(url: str) -> list[str]:
    """Create WRITERS organizations and return their ids (in the bench database)."""
    _django(url)
    from oqu.orgs.models import Unit
    from oqu.tests import factories as f

    region = Unit.objects.filter(kind="region").first()
    district = f.make_unit(region, "district", "Bench district")
    return [
        str(f.make_unit(district, "organization", f"Bench {i}", "school").pk)
        for i in range(WRITERS)
    ]


def _writer(url: str, org_id: str, rows: int, chained: bool, barrier, results) -> None:  # type: ignore[no-untyped-def]
    _django(url)
    from django.db import transaction
    from django.utils import timezone

    from oqu.audit import chain
    from oqu.audit.models import ActionRecord

    barrier.wait()
    started = time.perf_counter()
    for i in range(rows):
        row = ActionRecord(
            at=timezone.now(),
            organization_id=org_id,
            actor_name="bench",
            action="people.person.change",
            target_type="people.person",
            target_id=str(i),
            target_repr="bench",
            before={"last_name_ru": "Иванов"},
            after={"last_name_ru": "Иванова"},
            ip="127.0.0.1",
            user_agent="bench",
        )
        with transaction.atomic():
            (chain.append if chained else chain.append_unchained)(row)
    results.put(time.perf_counter() - started)


def _round(url: str, orgs: list[str], writers: int, rows: int, chained: bool) -> float:
    """Rows per second of `writers` concurrent processes writing `rows` each."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(writers)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(url, orgs[i], rows, chained, barrier, results))
        for i in range(writers)
    ]
    for proc in procs:
        proc.start()
    times: list[float] = []
    deadline = time.monotonic() + 600
    while len(times) < writers:
        try:
            times.append(results.get(timeout=2))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in procs) or time.monotonic() > deadline:
                for proc in procs:
                    proc.terminate()
                raise SystemExit("a writer failed; see its traceback above") from None
    for proc in procs:
        proc.join(timeout=60)
    return writers * rows / max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=400, help="rows per writer per round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per case; the best is kept")
    args = parser.parse_args()
    url = database_url()
    target = url_for(url, BENCH_DB)
    with connect_admin(url) as admin:
        recreate(admin, BENCH_DB)
    env = {**os.environ, "DATABASE_URL": target, "DJANGO_SETTINGS_MODULE": "oqu.settings.dev"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)  # noqa: S603
    orgs = _prepare(target)
    print(f"journal writes on PostgreSQL, {args.rows} rows per writer, best of {args.repeat}")
    for writers in (1, WRITERS):
        best = {True: 0.0, False: 0.0}
        for _ in range(args.repeat):
            for chained in (False, True):  # alternate so neither always runs warm
                best[chained] = max(
                    best[chained], _round(target, orgs, writers, args.rows, chained)
                )
        ratio = best[True] / best[False]
        print(
            f"{writers} writer(s): without chain {best[False]:8.0f} rows/s, "
            f"with chain {best[True]:8.0f} rows/s, ratio {ratio:.2f} "
            f"(chain costs {100 * (1 - ratio):.0f} % of throughput)"
        )
    with connect_admin(url) as admin:
        drop(admin, BENCH_DB)


if __name__ == "__main__":
    main()
