"""An enterprise's standing as other bodies read it (reporting/standing/):

- ``WarningEntry``: the warning list (警示名单). One row per time an enterprise met one
  of the entry rules (reporting/standing/warnings.py); it is closed, never deleted,
  when the reason ends, so the history stays.
- ``Standing``: one row per enterprise, rewritten by the nightly job: its supervision
  tier (监管频次) with the reasons, and the certificate it held that night (what the
  change feed compares against).
- ``StandingChange``: the append-only change log the feed clients page through.
- ``FeedClient`` and ``FeedRequest``: the read-only API clients of the incentive and
  restriction bodies (a credit bureau, a procurement platform, an insurer) and the
  trail of every request they made."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from portal.models import Region


class WarningEntry(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )
    # The name of the rule in reporting/standing/warnings.RULES.
    rule = models.CharField(_("rule"), max_length=40)
    # Why, in the portal's default language, from public facts only (no person).
    reason = models.CharField(_("reason"), max_length=500)
    opened_on = models.DateField(_("listed on"))
    closed_on = models.DateField(_("removed on"), null=True, blank=True)
    close_reason = models.CharField(_("why removed"), max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("warning-list entry")
        verbose_name_plural = _("warning list")
        constraints = [
            # An enterprise is on the list once per rule at a time: the nightly run
            # can be repeated without opening a second entry.
            models.UniqueConstraint(
                fields=["enterprise", "rule"],
                condition=models.Q(closed_on__isnull=True),
                name="warning_entry_open_once",
            )
        ]
        indexes = [
            # The list pages: the open entries, newest first.
            models.Index(
                fields=["-opened_on", "-id"],
                condition=models.Q(closed_on__isnull=True),
                name="warning_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.rule} {self.opened_on}"


class Standing(models.Model):
    class Tier(models.TextChoices):
        KEY = "key", _("Key supervision (重点监管)")
        GENERAL = "general", _("General supervision (一般监管)")
        LIGHT = "light", _("Light supervision (低频监管)")

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    tier = models.CharField(_("supervision tier"), max_length=10, choices=Tier.choices)
    points = models.SmallIntegerField(_("points"), default=0)
    # [{"code": ..., "points": ..., "n": ...}]: rendered by reporting/standing/tiers.py.
    reasons = models.JSONField(default=list)
    # The certificate of that night (the best live one), for the change feed.
    grade = models.CharField(max_length=5, blank=True)
    certificate_number = models.CharField(max_length=30, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    computed_on = models.DateField()

    class Meta:
        indexes = [
            # A district's tier list and its counts per tier.
            models.Index(fields=["tier", "enterprise"], name="standing_tier_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.tier}"


class StandingChange(models.Model):
    """Append-only: rows are only ever added (the feed's cursor is the id)."""

    class Kind(models.TextChoices):
        CERTIFICATE_ANNOUNCED = "certificate_announced", _("Certificate announced")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        CERTIFICATE_EXPIRED = "certificate_expired", _("Certificate expired")
        CERTIFICATE_ENDED = "certificate_ended", _("Certificate no longer in force")
        WARNING_OPENED = "warning_opened", _("Put on the warning list")
        WARNING_CLOSED = "warning_closed", _("Removed from the warning list")
        TIER_CHANGED = "tier_changed", _("Supervision tier changed")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    # Copied: the feed filters by district without a join, and the row says where the
    # enterprise was when it changed.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["region", "id"], name="standing_change_region_idx")]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind} {self.enterprise_id}"


class FeedClient(models.Model):
    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit bureau")
        PROCUREMENT = "procurement", _("Public procurement platform")
        INSURER = "insurer", _("Insurer")
        OTHER = "other", _("Other body")

    class Scope(models.TextChoices):
        STATUS = "status", _("Status lookup by USCC")
        CHANGES = "changes", _("Daily change feed")
        EXPORT = "export", _("Excel export")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    scopes = models.JSONField(_("scopes"), default=list)
    # Empty: the whole city.
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("districts")
    )
    # "<n>/<second|minute|hour|day>", as DRF's throttles read it.
    rate_limit = models.CharField(_("rate limit"), max_length=20, default="60/min")
    # The token is shown once; only its first characters (to find the row) and
    # its SHA-256 are kept. Tokens are 256 random bits: a plain hash is enough.
    token_prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        "portal.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("feed client")
        verbose_name_plural = _("feed clients")

    def __str__(self) -> str:
        return self.name


class FeedRequest(models.Model):
    """One request of a feed client: what it asked for and what it got."""

    client = models.ForeignKey(FeedClient, on_delete=models.PROTECT, related_name="requests")
    endpoint = models.CharField(max_length=20)
    status_code = models.PositiveSmallIntegerField()
    # How many enterprises the answer named, and the USCCs asked for.
    count = models.PositiveIntegerField(default=0)
    usccs = models.JSONField(default=list)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "-at"], name="feed_request_client_idx")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.endpoint} {self.at}"
