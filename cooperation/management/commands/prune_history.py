from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cooperation.views.audit import history_models
from portal.audit import delete_sealed, lock_head, write_checkpoint
from portal.audit_verify import verify


class Command(BaseCommand):
    help = (
        "Delete audit records older than --days: change history (keeping each record's "
        "latest version), the admin log and the login logs. Refuses less than the minimum "
        "retention (180 days). The audit chain is verified first (a broken record is not "
        "pruned) and a signed checkpoint keeps it verifiable after the delete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_MIN_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, days, dry_run, **options):
        minimum = settings.AUDIT_RETENTION_MIN_DAYS
        if days < minimum:
            raise CommandError(f"--days {days} is below the minimum retention of {minimum} days.")
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            lock_head()
            verdict = verify()
            if not verdict.whole:
                self.refuse(verdict, dry_run)
            counts = {}
            for history_model in history_models():
                newer = history_model.objects.filter(
                    Q(history_date__gt=OuterRef("history_date"))
                    | Q(
                        history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id")
                    ),
                    id=OuterRef("id"),
                )
                old = history_model.objects.filter(history_date__lt=cutoff).filter(Exists(newer))
                counts[history_model._meta.verbose_name] = self.prune(old, dry_run)
            counts["admin log"] = self.prune(
                LogEntry.objects.filter(action_time__lt=cutoff), dry_run
            )
            for model in (AccessLog, AccessFailureLog):
                counts[model._meta.verbose_name] = self.prune(
                    model.objects.filter(attempt_time__lt=cutoff), dry_run
                )
            if not dry_run and any(counts.values()):
                write_checkpoint()
        verb = "Would delete" if dry_run else "Deleted"
        for name, count in counts.items():
            if count:
                self.stdout.write(f"{verb} {count} × {name}")
        self.stdout.write(f"{verb} {sum(counts.values())} records older than {days} days.")

    def prune(self, queryset, dry_run):
        if dry_run:
            return queryset.count()
        pks = list(queryset.values_list("pk", flat=True))
        delete_sealed(queryset.model, pks)
        return len(pks)

    def refuse(self, verdict, dry_run):
        for problem in verdict.problems[:20]:
            self.stderr.write(f"  - {problem}")
        message = (
            f"审计记录不完整（{verdict.problem_count} 处问题），不予清理：清理会抹去证据。"
            "请先运行 manage.py verify_audit 查明原因。"
        )
        if not dry_run:
            raise CommandError(message)
        self.stderr.write(f"注意：{message}（试运行照常计数）")
