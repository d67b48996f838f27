"""The synthesizer: plans the county pairings, builds what lies under them group by group,
then writes the projects chunk by chunk through a writer (cooperation/synthetic/writers.py)."""

import random

from django.db import connection, transaction

from cooperation import counting
from cooperation.models import Beneficiary, Pairing, Project, Publication, Source
from cooperation.synthetic.beneficiaries import BeneficiariesStage
from cooperation.synthetic.pairings import PairingsStage
from cooperation.synthetic.plan import given_timestamps, moment
from cooperation.synthetic.postgresql import CopyWriter
from cooperation.synthetic.projects import ProjectsStage
from cooperation.synthetic.regions import RegionsStage
from cooperation.synthetic.rows import make
from cooperation.synthetic.vocabulary import BATCH_SIZE, DRAFT_SHARE, UNITS_PER_GROUP
from cooperation.synthetic.writers import Writer


def writer_for(projects):
    """The writer for the default database, for a run of so many projects."""
    return CopyWriter(projects) if connection.vendor == "postgresql" else Writer()


class Synthesizer(RegionsStage, PairingsStage, BeneficiariesStage, ProjectsStage):
    def __init__(self, seed, projects, progress=print, writer=None, chunk=BATCH_SIZE):
        self.seed = seed
        self.chunk = chunk  # projects planned and written at a time
        self.project_count = projects
        self.progress = progress
        self.writer = writer or writer_for(projects)

    @property
    def counts(self):
        return self.writer.counts

    def rng(self, *parts):
        return random.Random(":".join(str(part) for part in (self.seed, *parts)))

    def insert(self, model, rows):
        return self.writer.insert(model, rows)

    def status(self, rng):
        return Publication.DRAFT if rng.random() < DRAFT_SHARE else Publication.PUBLISHED

    def publishable(self, model, rng, year, **fields):
        created = moment(rng, year)
        return make(
            model,
            status=fields.pop("status", None) or self.status(rng),
            created_at=created,
            updated_at=created,
            source=self.source,
            **fields,
        )

    def run(self):
        with given_timestamps(Project, Pairing, Beneficiary), self.writer.loading(self.progress):
            with transaction.atomic():
                self.source = Source.objects.create(
                    slug=f"synthetic-{self.seed}",
                    title=f"合成测试数据（种子 {self.seed}）",
                    kind=Source.Kind.SYNTHETIC,
                    publisher="东西部协作门户",
                    description=f"由 synthesize 命令生成的{self.project_count}个项目，仅供测试。",
                )
                self.units = self.plan_units()
            self.progress(f"{len(self.units)} county pairings planned")
            for start in range(0, len(self.units), UNITS_PER_GROUP):
                group = self.units[start : start + UNITS_PER_GROUP]
                with transaction.atomic():
                    self.build_places(group)
                    self.build_organizations(group)
                    self.build_pairings(group)
                    self.build_beneficiaries(group)
                    self.build_indicators(group)
                    self.build_pairing_events(group)
                self.progress(f"county pairings {start + len(group)}/{len(self.units)} built")
            self.build_projects()
        # The rows skipped the signals that tell cached pages of a change: tell them all.
        counting.bump()
        self.writer.refresh_statistics()
        return self.counts
