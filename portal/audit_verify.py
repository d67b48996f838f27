"""Recomputes the audit chain (portal/audit.py) and names every place where it breaks.

Each table is read once in pk order, in chunks, with its entries fetched a chunk at a time;
the chain is read once in seq order. Memory stays flat for hundreds of thousands of rows.
"""

import hashlib
import hmac
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Cast

from portal.audit import (
    CHUNK,
    audited_models,
    checkpoint_signature,
    entry_mac,
    row_digest,
    stored_rows,
)
from portal.models import AuditCheckpoint, AuditEntry, AuditHead

SHOWN_PROBLEMS = 200


@dataclass
class Verdict:
    entries: int = 0
    head_seq: int = 0
    head_mac: str = ""
    checkpoint: AuditCheckpoint | None = None
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    @property
    def whole(self):
        return self.problem_count == 0

    def add(self, problem):
        self.problem_count += 1
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(problem)


def verify(using=DEFAULT_DB_ALIAS):
    verdict = Verdict()
    verdict.checkpoint = newest_valid_checkpoint(verdict, using)
    last_seq, last_mac = check_chain(verdict, using)
    head = AuditHead.objects.using(using).filter(id=1).first() or AuditHead(seq=0, mac="")
    verdict.head_seq, verdict.head_mac = head.seq, head.mac
    if (head.seq, head.mac) != (last_seq, last_mac):
        verdict.add(
            f"链头（#{head.seq}）与链上最后一条（#{last_seq}）不符："
            "链尾的条目可能被删除，请与外部日志中的链头核对"
        )
    labels = []
    for model in audited_models():
        labels.append(model._meta.label_lower)
        check_rows(verdict, model, using)
    strays = AuditEntry.objects.using(using).exclude(model__in=labels)
    for seq, label in strays.values_list("seq", "model"):
        verdict.add(f"审计条目 #{seq} 指向不受审计的表 {label}")
    return verdict


def newest_valid_checkpoint(verdict, using):
    chosen = None
    for checkpoint in AuditCheckpoint.objects.using(using).order_by("-seq", "-id"):
        if hmac.compare_digest(checkpoint.signature, checkpoint_signature(checkpoint)):
            chosen = chosen or checkpoint
        else:
            verdict.add(
                f"检查点 {checkpoint.pk}（#{checkpoint.seq}）的签名无效，已不予采信："
                "检查点被伪造或改动"
            )
    return chosen


def check_chain(verdict, using):
    """Every mac; above the checkpoint contiguity and prev links, below it the set."""
    checkpoint = verdict.checkpoint
    floor_seq, floor_mac = (checkpoint.seq, checkpoint.mac) if checkpoint else (0, "")
    below, below_sha256 = 0, hashlib.sha256()
    expected_seq, expected_prev = floor_seq + 1, floor_mac
    chain = AuditEntry.objects.using(using).order_by("seq")
    columns = ("seq", "model", "object_pk", "digest", "prev_mac", "mac")
    for seq, label, object_pk, digest, prev_mac, mac in chain.values_list(*columns).iterator(
        chunk_size=10 * CHUNK
    ):
        verdict.entries += 1
        if not hmac.compare_digest(mac, entry_mac(seq, label, object_pk, digest, prev_mac)):
            verdict.add(
                f"审计条目 #{seq}（{label} #{object_pk}）的 MAC 不符：条目被伪造，"
                "或被不持有审计密钥的人重算"
            )
        if seq <= floor_seq:
            below += 1
            below_sha256.update(f"{seq}\n".encode())
            continue
        if seq != expected_seq:
            missing = f"#{expected_seq}" + (f"–#{seq - 1}" if seq - 1 > expected_seq else "")
            verdict.add(f"审计条目 {missing} 缺失：链在此断开（条目被删除）")
        elif prev_mac != expected_prev:
            verdict.add(f"审计条目 #{seq} 与前一条接不上：链被改接")
        expected_seq, expected_prev = seq + 1, mac
    if checkpoint and (below, below_sha256.hexdigest()) != (
        checkpoint.count,
        checkpoint.seqs_sha256,
    ):
        verdict.add(
            f"检查点 #{checkpoint.seq} 及以前的审计条目与检查点不符："
            f"应有 {checkpoint.count} 条，现有 {below} 条（条目被删除、插入或调换）"
        )
    return expected_seq - 1, expected_prev


def check_rows(verdict, model, using):
    """One pass over the table's pks; then one query for entries whose row is gone."""
    label = model._meta.label_lower
    entries = AuditEntry.objects.using(using).filter(model=label)
    last = None
    while True:
        page = stored_rows(model, using)
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:CHUNK])
        if not rows:
            break
        sealed = dict(
            entries.filter(object_pk__in=[str(row.pk) for row in rows]).values_list(
                "object_pk", "digest"
            )
        )
        for row in rows:
            digest = sealed.get(str(row.pk))
            if digest is None:
                verdict.add(f"{label} #{row.pk} 没有审计条目：是绕过门户写入的")
            elif digest != row_digest(model, row):
                verdict.add(f"{label} #{row.pk} 在审计之后被改动")
        last = rows[-1].pk
    pk = OuterRef("object_pk")
    if isinstance(model._meta.pk, models.IntegerField):
        pk = Cast(pk, models.BigIntegerField())
    gone = entries.filter(~Exists(model._base_manager.using(using).filter(pk=pk)))
    for seq, object_pk in gone.order_by("seq").values_list("seq", "object_pk"):
        verdict.add(f"{label} #{object_pk} 已被删除（审计条目 #{seq} 还在）")
