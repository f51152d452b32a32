"""The DBMS-event journal (G-5.14): PostgreSQL's own log, ingested into the platform's database.

`DbmsEvent` is one classified log record (connection, disconnection, failed authentication, DDL,
error, other). `DbmsLogPosition` remembers, per log file, how far it has been read: the file is
known by its identity (device and inode), not by its name, so a file renamed by rotation is not
read again, and a fingerprint of its first bytes tells a truncated or replaced file from the one
that was read.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DbmsEvent(models.Model):
    class Kind(models.TextChoices):
        CONNECTION = "connection", _("Connection")
        DISCONNECTION = "disconnection", _("Disconnection")
        AUTH_FAILURE = "auth_failure", _("Failed authentication")
        DDL = "ddl", _("Schema change (DDL)")
        ERROR = "error", _("Error")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=10, blank=True)
    db_user = models.CharField(_("database user"), max_length=100, blank=True)
    database = models.CharField(_("database"), max_length=100, blank=True)
    client = models.CharField(_("client address"), max_length=100, blank=True)
    session_id = models.CharField(_("session"), max_length=40, blank=True)
    sqlstate = models.CharField(_("SQLSTATE"), max_length=5, blank=True)
    message = models.TextField(_("message"), blank=True)
    statement = models.TextField(_("statement"), blank=True)
    log_file = models.CharField(_("log file"), max_length=500, blank=True)
    log_offset = models.BigIntegerField(_("offset in the log file"), default=0)
    ingested_at = models.DateTimeField(_("ingested at"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["kind", "at"], name="dbmsevent_kind_at"),
            models.Index(fields=["db_user", "at"], name="dbmsevent_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind} {self.db_user}"


class DbmsLogPosition(models.Model):
    """How far one log file has been ingested: byte offset of the first unread record."""

    # Text, not integers: device and inode numbers are unsigned 64-bit and may not fit a bigint.
    device = models.CharField(max_length=24)
    inode = models.CharField(max_length=24)
    path = models.CharField(max_length=500)
    offset = models.BigIntegerField(default=0)
    # SHA-256 of the file's first `fingerprint_length` bytes (all already read): they never change
    # while the file only grows, so a mismatch means truncation or a new file on a reused inode.
    fingerprint = models.CharField(max_length=64, blank=True)
    fingerprint_length = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "inode"], name="dbmslogposition_identity")
        ]

    def __str__(self) -> str:
        return f"{self.path} @ {self.offset}"
