"""Projects, chunk by chunk, with their places, bodies, figures, benefits and events.

Each chunk is planned, handed to the writer and let go, so memory does not grow with the
number of projects; the two random streams (projects, cases) run on across chunks, so the
chunk size does not change the data."""

from django.db import transaction

from cooperation.models import (
    Benefit,
    Event,
    Figure,
    Organization,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Qualifier,
)
from cooperation.synthetic.cases import Report, report_case
from cooperation.synthetic.figures import amount, flow, pick, project_figures
from cooperation.synthetic.plan import Batch
from cooperation.synthetic.rows import make
from cooperation.synthetic.vocabulary import (
    BENEFIT_FIGURES,
    BENEFITS,
    CATEGORY_SHARES,
    OPERATED_CATEGORIES,
    PRODUCTS,
    TITLES,
    WORK_STATUS,
    YEARS,
)


class ProjectsStage:
    def build_projects(self):
        rng, cases = self.rng("projects"), self.rng("cases")
        done = 0
        while done < self.project_count:
            size = min(self.chunk, self.project_count - done)
            batch = Batch()
            for number in range(done + 1, done + size + 1):
                self.plan_project(rng, cases, number, batch)
            with transaction.atomic():
                self.insert(Project, batch.projects)
                self.insert(ProjectLocation, batch.locations)
                self.insert(ProjectOrganization, batch.roles)
                self.insert(Figure, batch.figures)
                self.insert(Figure, batch.parts)
                self.insert(Figure.places.through, batch.places)
                self.insert(Benefit, batch.benefits)
                self.insert(Figure, batch.benefit_figures)
                self.insert(Event, batch.events)
            done += size
            self.progress(f"projects {done}/{self.project_count} written")

    def plan_project(self, rng, cases, number, batch):
        unit = self.units[rng.randrange(len(self.units))]
        east, west = unit.east, unit.west
        category = pick(rng, CATEGORY_SHARES)
        year = rng.choice(YEARS)
        children = unit.children.get(category)
        child = rng.choice(children) if children and rng.random() < 0.5 else None
        town = child.town if child and child.town else rng.choice(west.towns)
        village = child.village if child and child.village else None
        if village is None and rng.random() < 0.5:
            village = rng.choice(town.villages)
        place = village or town
        where = town.name + (village.name if village else "")
        product = pick(rng, PRODUCTS)
        organization = child.organization if child and child.organization else None
        if organization is None:
            kind = "school" if category == Project.Category.EDUCATION else "hospital"
            organization = rng.choice(west.parties(kind))
        enterprise = rng.choice(east.parties(Organization.Kind.ENTERPRISE))
        title = rng.choice(TITLES[category]).format(
            place=place.name,
            product=product,
            year=year,
            east=east.short,
            west=west.short,
            organization=organization.name,
            enterprise=enterprise.name,
        )
        work_status = pick(rng, WORK_STATUS[year])
        if work_status == "planned" or (work_status == "under_way" and rng.random() < 0.3):
            end_year = None
        elif work_status == "under_way":
            end_year = year + rng.choice([1, 2])
        else:
            end_year = min(YEARS[-1], year + rng.choice([0, 0, 1]))
        project = self.publishable(
            Project,
            rng,
            year,
            title=title,
            slug=f"syn{self.seed}-{number:06d}",
            category=category,
            pairing_id=child.pk if child else unit.pairing,
            start_year=year,
            end_year=end_year,
            work_status=work_status,
            summary=f"{east.short}帮扶{west.short}，实施地点：{where}。",
        )
        batch.projects.append(project)
        located = [(town, place)]
        if rng.random() < 0.15:
            other = rng.choice(west.towns)
            if other is not town:
                located.append((other, other))
        self.plan_roles(rng, batch, project, unit, organization, enterprise)
        figures, parts = project_figures(rng, self.source, project, category, year)
        report = Report(self.source, project, figures, parts, located, west.towns)
        report_case(cases, report)
        batch.locations += [
            make(ProjectLocation, project=project, region_id=p.pk) for _t, p in located
        ]
        batch.figures += report.figures
        batch.parts += report.parts
        batch.places += report.places
        self.plan_benefits(rng, batch, project, category, year, west, town, village)
        if rng.random() < 0.2:
            kind, verb = rng.choice([(Event.Kind.SIGNING, "签约"), (Event.Kind.LAUNCH, "投产")])
            batch.events.append(self.event(rng, year, kind, f"{title}{verb}", project=project))

    def plan_roles(self, rng, batch, project, unit, organization, enterprise):
        Role = ProjectOrganization.Role
        if rng.random() < 0.7:
            funder = unit.east.parties(Organization.Kind.GOVERNMENT)[0]
        else:
            funder = enterprise
        implementer = organization
        if project.category not in (Project.Category.EDUCATION, Project.Category.HEALTH):
            implementer = unit.west.parties(Organization.Kind.GOVERNMENT)[0]
        roles = [(funder, Role.FUNDER), (implementer, Role.IMPLEMENTER)]
        if project.category in OPERATED_CATEGORIES and rng.random() < 0.4:
            roles.append((enterprise, Role.OPERATOR))
        batch.roles += [
            make(ProjectOrganization, project=project, organization_id=party.pk, role=role)
            for party, role in roles
        ]

    def plan_benefits(self, rng, batch, project, category, year, west, town, village):
        kinds, benefit_kind = BENEFITS[category]
        chosen = []
        for kind in kinds[: rng.choice([0, 1, 1, 1, 2, 2])]:
            if kind == "village":
                pk = (village or rng.choice(town.villages)).beneficiary
            else:
                pk = rng.choice(west.beneficiaries[kind])
            if pk not in chosen:
                chosen.append(pk)
        measure, label, unit, low, high = BENEFIT_FIGURES[benefit_kind]
        for pk in chosen:
            benefit = make(
                Benefit, project=project, beneficiary_id=pk, kind=benefit_kind, source=self.source
            )
            batch.benefits.append(benefit)
            if rng.random() < 0.5:
                value = amount(rng, low, high, unit, Qualifier.EXACT)
                batch.benefit_figures.append(
                    flow(self.source, measure, label, value, unit, year, benefit=benefit)
                )
