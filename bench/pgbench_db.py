"""Shared by the benchmarks: a throwaway PostgreSQL database next to the one in DATABASE_URL."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the role needs CREATEDB).")
    return url


def connect_admin(url: str) -> psycopg.Connection:
    """An autocommit connection to a maintenance database, with the URL's credentials."""
    parts = urlsplit(url)
    own_db = unquote(parts.path.lstrip("/")) or "postgres"
    params = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
    }
    for dbname in ("postgres", own_db):
        try:
            return psycopg.connect(dbname=dbname, autocommit=True, **params)
        except psycopg.OperationalError:
            continue
    raise SystemExit("Cannot connect to PostgreSQL with DATABASE_URL.")


def url_for(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def drop(admin: psycopg.Connection, name: str) -> None:
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def recreate(admin: psycopg.Connection, name: str) -> None:
    drop(admin, name)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
