"""The action journal (G-5.13) and the failed-access journal (G-5.12).

The action journal is append-only and hash-chained per organization (G-5.16): each row carries
its number in its chain, the hash of its content and a link hash over the previous row's link, so
altering, inserting or deleting a row breaks the chain at that point (`chain.py`). One chain per organization (plus one for platform-level rows) keeps
writers of different organizations from waiting on each other and shards with the data.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _


class ActionRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("time"), db_index=True)
    organization = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # No cascade and no constraint: deleting an account must never rewrite the journal.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)
    chain = models.CharField(max_length=40, default="platform")
    seq = models.BigIntegerField(default=0)
    content_hash = models.CharField(max_length=64, default="")
    hash = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["actor", "at"], name="action_actor_at")]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="actionrecord_chain_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class FailedAccess(models.Model):
    """An attempt to reach something the actor may not: out of scope (404) or forbidden (403),
    or a failed sign-in step (wrong password, unknown account, wrong MFA code, locked, bad token).

    `organization` is the organization of the account's person (active employment, else
    enrolment) when the row is written, so administrators see the attempts on their own
    people; rows without one (unknown accounts, people with no organization) are platform-level.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("time"), db_index=True)
    organization = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    target_type = models.CharField(_("object type"), max_length=100, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=40)
    status = models.PositiveSmallIntegerField(_("answer"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            # The sliding windows of the sign-in lockout count by account (case-insensitive,
            # as allauth matches usernames) and by address; the viewer filters by organization.
            models.Index(Upper("actor_name"), "at", name="failedaccess_account_at"),
            models.Index(fields=["ip", "at"], name="failedaccess_ip_at"),
            models.Index(fields=["organization", "at"], name="failedaccess_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.reason}"


class SignInLock(models.Model):
    """A sign-in lockout (G-5.12): an account from one address, an account, or an address.

    Created when failures counted in `FailedAccess` cross a threshold of the rule set in force
    (`identity.signin.lockout`); it ends at `until` or when an administrator releases it.
    """

    class Kind(models.TextChoices):
        PAIR = "pair", _("Account from one address")
        ACCOUNT = "account", _("Account from unfamiliar addresses")
        ADDRESS = "address", _("Address, for unfamiliar accounts")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("lock"), max_length=10, choices=Kind.choices)
    username = models.CharField(_("account"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("locked at"))
    until = models.DateTimeField(_("locked until"))
    level = models.PositiveSmallIntegerField(_("repeat"), default=0)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    released_by_name = models.CharField(_("released by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["username", "kind", "started_at"], name="signinlock_account"),
            models.Index(fields=["ip", "kind", "started_at"], name="signinlock_ip"),
            models.Index(fields=["until"], name="signinlock_until"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.username} {self.ip or ''} → {self.until:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> Any:
        return min(self.until, self.released_at) if self.released_at else self.until


class SignInOrigin(models.Model):
    """An address the account signed in from successfully (password and MFA): a familiar place.

    Account-wide and address locks do not apply to an account at its familiar addresses, so an
    attacker elsewhere cannot lock a user out of where they usually work (G-5.12).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ip = models.GenericIPAddressField(_("IP address"))
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ip"], name="signinorigin_user_ip_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.ip}"


class ChainHead(models.Model):
    """The last number and hash of one chain; its row lock serializes writers of that chain only."""

    chain = models.CharField(max_length=40, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} #{self.last_seq}"


class SecurityEvent(models.Model):
    """One place for security events (G-5.20): lockouts, privilege grants, integrity failures,
    administrators' sign-ins, DBMS authentication failures, …

    `kind` is a short machine code (e.g. "lockout", "grant", "integrity_failure", "admin_login");
    `details` carries what is specific to the kind (never passwords or codes).
    """

    class Severity(models.TextChoices):
        INFO = "info", _("Information")
        WARNING = "warning", _("Warning")
        CRITICAL = "critical", _("Critical")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("event"), max_length=60, db_index=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    organization = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("account"), max_length=150, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=400, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"], name="securityevent_kind_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.summary}"


class UsageReport(models.Model):
    """A saved statistical report of platform use (G-5.15): its parameters, re-run on demand.

    The organization is the root of the subtree it counts (empty: all the owner may see); it runs
    with the owner's current scope, so a report never shows more than its owner may.
    """

    class Grouping(models.TextChoices):
        SUBSYSTEM = "subsystem", _("By subsystem")
        ROLE = "role", _("By role")
        USER = "user", _("By user")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usage_reports"
    )
    name = models.CharField(_("name"), max_length=200)
    grouping = models.CharField(_("grouping"), max_length=10, choices=Grouping.choices)
    organization = models.ForeignKey(
        "orgs.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))

    class Meta:
        ordering = ["owner", "name"]

    def __str__(self) -> str:
        return self.name


from .dbms_models import DbmsEvent, DbmsLogPosition  # noqa: E402, F401  (G-5.14, own module)
