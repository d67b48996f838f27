from django.core.management.base import BaseCommand, CommandError

from portal.audit import AuditRefused, seal_existing
from portal.audit_verify import verify


class Command(BaseCommand):
    help = (
        "Recompute the audit chain (change history, admin log, failed logins) and list every "
        "row or entry that was changed, removed or inserted behind the portal's back. "
        "--seal-existing seals the rows of a database upgraded from before the chain."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal-existing",
            action="store_true",
            help="seal the rows that predate the chain (only while the chain is empty)",
        )

    def handle(self, *args, seal_existing=False, **options):
        if seal_existing:
            self.seal_existing()
        verdict = verify()
        self.stdout.write(f"链头：#{verdict.head_seq} MAC {verdict.head_mac or '（空）'}")
        if verdict.checkpoint:
            checkpoint = verdict.checkpoint
            self.stdout.write(
                f"检查点：#{checkpoint.seq}，{checkpoint.made_at:%Y-%m-%d %H:%M:%S %Z}，"
                f"其下保留 {checkpoint.count} 条"
            )
        if verdict.whole:
            self.stdout.write(self.style.SUCCESS(f"审计记录完整：{verdict.entries} 条"))
            return
        self.stdout.write(f"审计记录不完整，发现 {verdict.problem_count} 处问题：")
        for problem in verdict.problems:
            self.stdout.write(f"  - {problem}")
        if verdict.problem_count > len(verdict.problems):
            self.stdout.write(f"  …另有 {verdict.problem_count - len(verdict.problems)} 处")
        if verdict.entries == 0:
            self.stdout.write(
                "审计链为空：若这是升级前已有的数据库，确认数据无误后运行 "
                "manage.py verify_audit --seal-existing"
            )
        raise CommandError(f"审计记录不完整（{verdict.problem_count} 处问题）")

    def seal_existing(self):
        try:
            sealed = seal_existing()
        except AuditRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"已封存 {sealed} 条已有记录")
