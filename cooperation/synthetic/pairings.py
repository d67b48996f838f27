"""Pairings: district↔county, and under it towns, villages, enterprises, hospitals and
schools; with each county pairing's annual indicators and its events."""

import datetime
from decimal import Decimal

from cooperation.models import Event, Figure, Indicator, Organization, Pairing, Publication
from cooperation.models.periods import Period
from cooperation.synthetic.figures import log_uniform
from cooperation.synthetic.plan import Child, moment
from cooperation.synthetic.rows import make
from cooperation.synthetic.vocabulary import (
    CHILD_CATEGORIES,
    INDICATORS,
    PAIRING_EVENTS,
    YEARS,
)


class PairingsStage:
    # Pairings: district↔county, and under it towns, villages, enterprises, hospitals, schools.

    def build_pairings(self, group):
        tops = []
        for unit in group:
            rng = self.rng("pairing", unit.index)
            tops.append(
                self.publishable(
                    Pairing,
                    rng,
                    2021,
                    status=Publication.PUBLISHED,
                    level=Pairing.Level.COUNTY,
                    east_region=unit.east.row,
                    west_region=unit.west.row,
                    start_year=2021,
                    description=f"{unit.east.short}与{unit.west.short}结成东西部协作关系。",
                )
            )
        self.insert(Pairing, tops)
        children = []
        for unit, top in zip(group, tops, strict=True):
            unit.pairing = top.pk
            children.append((unit, self.child_pairings(unit, top)))
        for depth in (1, 2):
            self.insert(
                Pairing,
                [c.row for _unit, kids in children for d, c in kids if d == depth],
            )
        for unit, kids in children:
            for _depth, child in kids:
                published = child.row.status == Publication.PUBLISHED
                child.pk, child.row = child.row.pk, None
                for category in CHILD_CATEGORIES[child.level] if published else ():
                    unit.children.setdefault(category, []).append(child)

    def child_pairings(self, unit, top):
        """The pairings under one county pairing, as (depth, Child); depth 2 is under a town's."""
        rng = self.rng("children", unit.index)
        L, Mode = Pairing.Level, Pairing.Mode
        east, west = unit.east, unit.west
        kids = []

        def pairing(level, mode=Mode.ONE_TO_ONE, parent=top, **sides):
            return self.publishable(
                Pairing,
                rng,
                2022,
                level=level,
                mode=mode,
                parent=parent,
                start_year=rng.choice([2021, 2021, 2022, 2023]),
                **sides,
            )

        def counted(level, mode=Mode.ONE_TO_ONE, east_count=None, west_count=None):
            row = pairing(
                level,
                mode,
                east_region=east.row,
                west_region=west.row,
                east_count=east_count or rng.randint(2, 20),
                west_count=west_count or rng.randint(3, 40),
            )
            kids.append((1, Child(level=level, row=row)))

        if rng.random() < 0.6:
            count = min(len(east.towns), len(west.towns), rng.randint(3, 8))
            pairs = zip(rng.sample(east.towns, count), rng.sample(west.towns, count), strict=True)
            for east_town, west_town in pairs:
                town_row = pairing(
                    L.TOWN, Mode.LAYERED, east_region_id=east_town.pk, west_region_id=west_town.pk
                )
                kids.append((1, Child(level=L.TOWN, row=town_row, town=west_town)))
                for _ in range(rng.randint(0, 2)):
                    village = rng.choice(west_town.villages)
                    row = pairing(
                        L.VILLAGE,
                        parent=town_row,
                        east_region_id=rng.choice(east_town.villages).pk,
                        west_region_id=village.pk,
                    )
                    kids.append((2, Child(L.VILLAGE, row=row, town=west_town, village=village)))
        else:
            counted(L.TOWN, Mode.LAYERED, len(east.towns), len(west.towns))
            counted(L.VILLAGE)
        for enterprise in east.parties(Organization.Kind.ENTERPRISE)[:3]:
            town = rng.choice(west.towns)
            village = rng.choice(town.villages)
            row = pairing(
                L.ENTERPRISE_VILLAGE, east_organization_id=enterprise.pk, west_region_id=village.pk
            )
            kids.append((1, Child(row.level, row=row, town=town, village=village)))
        if rng.random() < 0.5:
            counted(L.ENTERPRISE_VILLAGE)
        counted(L.SOCIAL_VILLAGE)
        for level, kind in ((L.HOSPITAL, "hospital"), (L.SCHOOL, "school")):
            for giver, taker in zip(east.parties(kind), west.parties(kind), strict=False):
                mode = Mode.TEAM_BASED if rng.random() < 0.3 else Mode.ONE_TO_ONE
                row = pairing(
                    level, mode, east_organization_id=giver.pk, west_organization_id=taker.pk
                )
                kids.append((1, Child(level, row=row, organization=taker)))
            if rng.random() < 0.5:
                counted(level, Mode.LAYERED)
        return kids

    # Indicators and events of each county pairing, year by year.

    def build_indicators(self, group):
        indicators, figures = [], []
        for unit in group:
            rng = self.rng("indicators", unit.index)
            for measure, label, unit_of, low, high in rng.sample(INDICATORS, 8):
                value = log_uniform(rng, low, high)
                for year in YEARS:
                    indicator = make(Indicator, pairing_id=unit.pairing, measure=measure, year=year)
                    indicators.append(indicator)
                    if unit_of == Figure.Unit.YUAN:
                        number = Decimal(int(round(value, -4)))
                    else:
                        number = Decimal(max(1, round(value)))
                    partial = year == YEARS[-1]
                    end = datetime.date(year, 9, 30) if partial else datetime.date(year, 12, 31)
                    figures.append(
                        make(
                            Figure,
                            measure=measure,
                            label=label,
                            value=number,
                            unit=unit_of,
                            year=year,
                            period_kind=Period.FLOW,
                            period_start=datetime.date(year, 1, 1),
                            period_end=end,
                            period=f"{year}年1—9月" if partial else f"{year}年",
                            scope=Figure.Scope.PAIRING,
                            indicator=indicator,
                            pairing_id=unit.pairing,
                            source=self.source,
                        )
                    )
                    value *= rng.uniform(0.85, 1.6)
        self.insert(Indicator, indicators)
        self.insert(Figure, figures)

    def build_pairing_events(self, group):
        events = []
        for unit in group:
            rng = self.rng("events", unit.index)
            names = {"east": unit.east.short, "west": unit.west.short}
            for year in YEARS:
                for kind, title in rng.sample(PAIRING_EVENTS, rng.randint(1, 3)):
                    events.append(
                        self.event(
                            rng,
                            year,
                            kind,
                            title.format(year=year, **names),
                            pairing_id=unit.pairing,
                        )
                    )
        self.insert(Event, events)

    def event(self, rng, year, kind, title, **owner):
        day = moment(rng, year).date()
        precision = Event.Precision.DAY if rng.random() < 0.8 else Event.Precision.MONTH
        if precision == Event.Precision.MONTH:
            day = day.replace(day=1)
        return make(
            Event,
            title=title[:200],
            kind=kind,
            date=day,
            date_precision=precision,
            source=self.source,
            **owner,
        )
