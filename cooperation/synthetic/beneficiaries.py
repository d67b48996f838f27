"""Beneficiaries of each western county: every village, relocation sites, hospitals,
schools and groups of people, some with a figure of how many live there."""

from decimal import Decimal

from cooperation.models import Beneficiary, Figure
from cooperation.synthetic.figures import flow
from cooperation.synthetic.plan import Village
from cooperation.synthetic.vocabulary import GROUPS


class BeneficiariesStage:
    # Beneficiaries: every western village, relocation sites, hospitals, schools, groups.

    def build_beneficiaries(self, group):
        rows, figures = [], []
        for unit in group:
            rng = self.rng("beneficiaries", unit.west.key)
            rows += self.county_beneficiaries(rng, unit.west, figures)
        self.insert(Beneficiary, [row for row, _county, _keep in rows])
        for row, county, keep in rows:
            if isinstance(keep, Village):
                keep.beneficiary = row.pk
            else:
                county.beneficiaries.setdefault(keep, []).append(row.pk)
        self.insert(
            Figure,
            [
                flow(
                    self.source,
                    Figure.Measure.PEOPLE,
                    label,
                    Decimal(value),
                    Figure.Unit.PERSON,
                    2023,
                    beneficiary=row,
                )
                for row, label, value in figures
            ],
        )

    def county_beneficiaries(self, rng, county, figures):
        """(row, county, what to remember its pk on) for one western county."""
        K = Beneficiary.Kind
        rows = []

        def beneficiary(name, kind, region_id, keep, organization_id=None):
            row = self.publishable(
                Beneficiary,
                rng,
                2022,
                name=name,
                kind=kind,
                region_id=region_id,
                organization_id=organization_id,
            )
            rows.append((row, county, keep))
            return row

        for town in county.towns:
            for village in town.villages:
                row = beneficiary(village.name, K.VILLAGE, village.pk, village)
                if rng.random() < 0.3:
                    figures.append((row, "户籍人口", rng.randint(600, 4000)))
        for town in rng.sample(county.towns, rng.randint(1, 3)):
            name = f"{town.name}易地扶贫搬迁安置点"
            row = beneficiary(name, K.RELOCATION_SITE, town.pk, "relocation_site")
            figures.append((row, "搬迁安置人口", rng.randint(800, 20000)))
        for kind in (K.HOSPITAL, K.SCHOOL):
            for party in county.parties(kind):
                beneficiary(party.name, kind, county.row.pk, kind, party.pk)
        for kind, noun in GROUPS:
            beneficiary(f"{county.short}{noun}", kind, county.row.pk, kind)
        return rows
