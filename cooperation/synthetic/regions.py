"""Regions and bodies: provinces (reused when present), cities and counties planned all at
once, then each county's towns, villages and organisations, group by group. Names come from
each county's own random stream, so they do not depend on the order groups are written in."""

from cooperation.models import Organization, Region, Side
from cooperation.synthetic.plan import County, Names, Party, Town, Unit, Village
from cooperation.synthetic.rows import make
from cooperation.synthetic.vocabulary import (
    BUSINESSES,
    EAST_PROVINCES,
    MUNICIPALITIES,
    PEOPLES,
    PROJECTS_PER_COUNTY_PAIRING,
    PROVINCE_PAIRS,
    TRADE_NAMES,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
)


class RegionsStage:
    # Regions: provinces (reused when present), cities, counties; then towns and villages.

    def plan_units(self):
        rng = self.rng("plan")
        self.names = Names()
        provinces = self.provinces()
        open_cities = {}  # province name → [city, counties it may still take]
        cities, counties, units = [], [], []
        districts = {name: [] for name in EAST_PROVINCES}
        taken = {}

        def county(province_name, side):
            province = provinces[province_name]
            if province_name in MUNICIPALITIES:
                parent = province
                names_taken = self.names.under_province.setdefault(province.pk, set())
            else:
                current = open_cities.get(province_name)
                if current is None or current[1] == 0:
                    siblings = self.names.under_province.setdefault(province.pk, set())
                    _stem, name = self.names.fresh(rng, self.names.cities | siblings, "市")
                    self.names.cities.add(name)
                    siblings.add(name)
                    city = Region(name=name, level=Region.Level.CITY, parent=province)
                    cities.append(city)
                    current = open_cities[province_name] = [city, rng.randint(3, 8)]
                current[1] -= 1
                parent = current[0]
                names_taken = taken.setdefault(parent.name, set())
            short = ""
            if side == Side.WEST and rng.random() < 0.15:
                peoples = "".join(rng.sample(PEOPLES, 2))
                stem, name = self.names.fresh(rng, names_taken, "自治县", infix=peoples)
                short = f"{stem}县"
            else:
                suffix = rng.choice("县县县区" if side == Side.WEST else "区区区县市")
                stem, name = self.names.fresh(rng, names_taken, suffix)
            row = Region(name=name, short_name=short, level=Region.Level.COUNTY, parent=parent)
            counties.append(row)
            return County(row=row, prefix=parent.name)

        weights = [weight for _east, _west, weight in PROVINCE_PAIRS]
        count = max(2, round(self.project_count / PROJECTS_PER_COUNTY_PAIRING))
        for index in range(count):
            east_name, west_name, _weight = rng.choices(PROVINCE_PAIRS, weights)[0]
            # About one eastern district in five assists two western counties.
            single = [d for d in districts[east_name] if d.partners == 1]
            if single and rng.random() < 0.25:
                east = single[0]
            else:
                east = county(east_name, Side.EAST)
                districts[east_name].append(east)
            east.partners += 1
            units.append(Unit(index=index, east=east, west=county(west_name, Side.WEST)))
        self.insert_regions(cities)
        self.insert_regions(counties)
        return units

    def provinces(self):
        names = {name for east, west, _weight in PROVINCE_PAIRS for name in (east, west)}
        found = {r.name: r for r in Region.objects.filter(parent__isnull=True, name__in=names)}
        missing = [
            Region(
                name=name,
                level=Region.Level.PROVINCE,
                side=Side.EAST if name in EAST_PROVINCES else Side.WEST,
                path="/",
                source=self.source,
            )
            for name in sorted(names - set(found))
        ]
        for row in self.insert(Region, missing):
            found[row.name] = row
        return found

    def insert_regions(self, rows):
        for row in rows:
            row.side = row.parent.side
            row.path = f"{row.parent.path}{row.parent.pk}/"
            row.source = self.source
        return self.insert(Region, rows)

    def build_places(self, group):
        counties = [c for unit in group for c in (unit.east, unit.west) if not c.towns]
        counties = list({id(c): c for c in counties}.values())
        towns = []
        for county in counties:
            rng = self.rng("places", county.key)
            west = county.row.side == Side.WEST
            taken = set()
            for _ in range(rng.randint(8, 16) if west else rng.randint(6, 12)):
                suffix = rng.choice(["镇", "镇", "镇", "乡"] if west else ["镇", "街道"])
                _stem, name = self.names.fresh(rng, taken, suffix)
                row = make(Region, name=name, level=Region.Level.TOWN, parent=county.row)
                towns.append((county, row, rng.randint(5, 12) if west else rng.randint(3, 8)))
        self.insert_regions([row for _county, row, _villages in towns])
        villages = []
        for county, row, village_count in towns:
            rng = self.rng("villages", county.key, row.name)
            town = Town(pk=row.pk, name=row.name)
            county.towns.append(town)
            taken = set()
            for _ in range(village_count):
                suffix = rng.choice(["村", "村", "村", "村", "社区"])
                _stem, name = self.names.fresh(rng, taken, suffix, VILLAGE_FIRST, VILLAGE_SECOND)
                villages.append(
                    (town, make(Region, name=name, level=Region.Level.VILLAGE, parent=row))
                )
        self.insert_regions([row for _town, row in villages])
        for town, row in villages:
            town.villages.append(Village(pk=row.pk, name=row.name))

    # Organisations: government, hospitals, schools; enterprises and social bodies in the east.

    def build_organizations(self, group):
        counties = [c for unit in group for c in (unit.east, unit.west) if not c.organizations]
        counties = list({id(c): c for c in counties}.values())
        rows = []
        for county in counties:
            rng = self.rng("organizations", county.key)
            rows += [(county, kind, row) for kind, row in self.county_organizations(rng, county)]
        self.insert(Organization, [row for _county, _kind, row in rows])
        for county, kind, row in rows:
            county.organizations.setdefault(kind, []).append(Party(pk=row.pk, name=row.name))

    def county_organizations(self, rng, county):
        K = Organization.Kind
        west = county.row.side == Side.WEST

        def organization(kind, suffix):
            name = self.names.organization(
                f"{county.short}{suffix}",
                f"{county.row.name}{suffix}",
                f"{county.prefix}{county.row.name}{suffix}",
            )
            return kind, Organization(name=name, kind=kind, region=county.row, source=self.source)

        rows = [organization(K.GOVERNMENT, "人民政府")]
        hospitals = ["人民医院", "中医院", "妇幼保健院"][: rng.randint(1 if west else 2, 3)]
        rows += [organization(K.HOSPITAL, name) for name in hospitals]
        schools = ["第一中学", "民族中学" if west else "实验中学", "实验小学", "职业技术学校"]
        rows += [organization(K.SCHOOL, name) for name in schools[: rng.randint(2, 4)]]
        for town in rng.sample(county.towns, 2):
            rows.append(organization(K.SCHOOL, f"{town.name}中心小学"))
        if west:
            if rng.random() < 0.6:
                rows.append(organization(K.INDUSTRIAL_PARK, "东西部协作产业园区"))
            return rows
        for _ in range(rng.randint(3, 6)):
            trade, business = rng.choice(TRADE_NAMES), rng.choice(BUSINESSES)
            rows.append(organization(K.ENTERPRISE, f"{trade}{business}有限公司"))
        rows.append(organization(K.SOCIAL, "慈善会"))
        if rng.random() < 0.5:
            rows.append(organization(K.SOCIAL, "青年志愿者协会"))
        return rows
