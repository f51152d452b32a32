"""Time `manage.py seed` on PostgreSQL at scales 0.01 and 0.05 and print rows per second.

    DATABASE_URL=postgres://user:password@host:port/db python bench/seed.py [--scales 0.01 0.05] [--keep]

For each scale the script drops and creates a database `oqu_bench` (with the credentials of
DATABASE_URL; the role needs CREATEDB), runs `migrate`, then times `seed --scale S` in a fresh
process and counts the rows it added per table. Seconds are wall-clock seconds of the seed
process, Django's start-up included. At the end it prints how rows/second at the largest scale
compare with the smallest (1.0 = the load scales linearly). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from pgbench_db import connect_admin, database_url, recreate, url_for
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "oqu_bench"
TABLES = [
    "orgs_unit",
    "orgs_attributevalue",
    "people_person",
    "people_enrolment",
    "people_employment",
    "people_guardianship",
]


def count_rows(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            t: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))
            ).fetchone()[0]
            for t in TABLES
        }


def manage(url: str, *args: str) -> float:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "oqu.settings.dev"}
    started = time.perf_counter()
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own manage.py)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[0.01, 0.05])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", action="store_true", help=f"keep the {BENCH_DB} database of the last scale"
    )
    args = parser.parse_args()
    url = database_url()
    target = url_for(url, BENCH_DB)
    results: list[tuple[float, dict[str, int], float]] = []
    with connect_admin(url) as admin:
        version = admin.execute("SHOW server_version").fetchone()[0]
        print(f"PostgreSQL {version}, {os.cpu_count()} CPUs, database {BENCH_DB}")
        for scale in args.scales:
            recreate(admin, BENCH_DB)
            manage(target, "migrate", "--noinput", "-v", "0")
            before = count_rows(target)
            seconds = manage(
                target, "seed", "--scale", str(scale), "--seed", str(args.seed), "-v", "0"
            )
            after = count_rows(target)
            added = {t: after[t] - before[t] for t in TABLES}
            results.append((scale, added, seconds))
            total = sum(added.values())
            print(f"\nscale {scale:g}")
            for table in TABLES:
                print(f"  {table:<22}{added[table]:>12,}")
            print(f"  {'total rows':<22}{total:>12,}")
            print(f"  {'seconds':<22}{seconds:>12.1f}")
            print(f"  {'rows per second':<22}{total / seconds:>12,.0f}")
        if not args.keep:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
            )
    if len(results) >= 2:
        (s0, a0, t0), (s1, a1, t1) = results[0], results[-1]
        rate0, rate1 = sum(a0.values()) / t0, sum(a1.values()) / t1
        print(f"\nrows/s at scale {s1:g} ÷ rows/s at scale {s0:g}: {rate1 / rate0:.2f}")


if __name__ == "__main__":
    main()
