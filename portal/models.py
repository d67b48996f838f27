"""The audit chain's own tables; portal/audit.py says what is chained and how it is checked."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One sealed audit row: its content's digest, chained to the entry before by an HMAC."""

    seq = models.PositiveBigIntegerField(_("序号"), primary_key=True)
    model = models.CharField(_("表"), max_length=100)
    object_pk = models.CharField(_("行"), max_length=64)
    digest = models.CharField(_("内容摘要"), max_length=64)
    prev_mac = models.CharField(_("前一条的 MAC"), max_length=64, blank=True)
    mac = models.CharField("MAC", max_length=64)

    class Meta:
        verbose_name = _("审计条目")
        verbose_name_plural = _("审计条目")
        ordering = ["seq"]
        constraints = [
            # Serves verify_audit's per-model lookups and prune_history's deletes by row.
            models.UniqueConstraint(fields=["model", "object_pk"], name="audit_entry_one_per_row")
        ]

    def __str__(self):
        return f"#{self.seq} {self.model} #{self.object_pk}"


class AuditHead(models.Model):
    """The chain's last seq and mac in one row: locking it serializes appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(_("序号"), default=0)
    mac = models.CharField("MAC", max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_one_row")]

    def __str__(self):
        return f"#{self.seq}"


class AuditCheckpoint(models.Model):
    """Signed when prune_history removes old entries: which entries at or below `seq`
    remain, so that the gaps it leaves are not mistaken for (or hide) removed entries."""

    seq = models.PositiveBigIntegerField(_("序号"))
    mac = models.CharField("MAC", max_length=64, blank=True)
    made_at = models.DateTimeField(_("时间"))
    count = models.PositiveBigIntegerField(_("保留条目数"))
    seqs_sha256 = models.CharField(_("保留条目序号摘要"), max_length=64)
    signature = models.CharField(_("签名"), max_length=64)

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["-seq", "-id"]

    def __str__(self):
        return f"#{self.seq} ({self.made_at:%Y-%m-%d})"
