"""Development and the embedded `run` default (SQLite unless DATABASE_URL is set)."""

from .base import *  # noqa: F403

DEBUG = True
