import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cooperation.boundaries import EXAMPLES, BoundaryError, canonical_code, read_boundaries
from cooperation.division_codes import CodeTableError, read_code_table
from cooperation.models import Region, ReviewedMap


class DryRun(Exception):
    """Raised inside the transaction so that a dry run writes nothing."""


class Command(BaseCommand):
    help = (
        "Install the boundaries of a reviewed standard map (GeoJSON or TopoJSON keyed by "
        "official division codes) so that pages draw a choropleth with its review number "
        "under it, and set the regions' division codes from a CSV table "
        "(division_code, and path or region_id). Nothing is written unless every row and "
        "every feature is good. Without an installed map no boundaries are drawn."
    )

    def add_arguments(self, parser):
        parser.add_argument("boundaries", nargs="?", help="GeoJSON or TopoJSON file.")
        parser.add_argument(
            "--codes",
            metavar="TABLE",
            help="CSV (UTF-8) with division_code and path (“贵州省/安顺市/紫云自治县”) or "
            "region_id; may be left out when the regions hold their codes already.",
        )
        parser.add_argument(
            "--review-number", help="The map's review number (“审图号”), e.g. “GS(2019)1822号”."
        )
        parser.add_argument("--title", default="", help="The map's title.")
        parser.add_argument("--publisher", default="", help="Who made or supplied the map.")
        parser.add_argument(
            "--code-property",
            metavar="NAME",
            help="The feature property holding the division code (default: code, adcode, "
            "division_code…, then the feature's id).",
        )
        parser.add_argument(
            "--installed-by", default="", help="Who installs it (default: the system user)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, write nothing."
        )
        parser.add_argument(
            "--uninstall",
            action="store_true",
            help="Stop drawing the active map (it is kept, inactive, with its review number).",
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                if options["uninstall"]:
                    self.uninstall()
                else:
                    self.install(options)
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            self.stdout.write("Dry run: nothing was written.")

    def uninstall(self):
        active = ReviewedMap.objects.filter(active=True).first()
        if active is None:
            self.stdout.write("No map is installed; no boundaries are drawn.")
            return
        active.active = False
        active.save(update_fields=["active"])
        self.stdout.write(f"Uninstalled {active}; no boundaries are drawn now.")

    def install(self, options):
        if not options["boundaries"]:
            raise CommandError("Give the boundary file (or --uninstall).")
        reviewed = ReviewedMap(
            title=options["title"] or "",
            review_number=options["review_number"] or "",
            publisher=options["publisher"],
            installed_by=options["installed_by"] or system_user(),
        )
        try:
            reviewed.clean()
        except ValidationError as error:
            raise CommandError(
                "--review-number: " + " ".join(error.message_dict["review_number"])
            ) from None
        try:
            rows = read_code_table(options["codes"]) if options["codes"] else []
            reading = read_boundaries(options["boundaries"], options["code_property"])
        except (CodeTableError, BoundaryError) as error:
            raise CommandError("\n".join(["Nothing was written:", *error.problems])) from None
        except OSError as error:
            raise CommandError(f"Nothing was written: {error}") from None

        self.set_codes(rows)
        reviewed.boundaries = reading.collection
        ReviewedMap.objects.filter(active=True).update(active=False)
        reviewed.save()
        self.report(reviewed, reading)

    def set_codes(self, rows):
        """Clear the codes that change first, so that two regions may swap theirs."""
        changing = [row for row in rows if row.region.division_code != row.code]
        Region.objects.filter(pk__in=[row.region.pk for row in changing]).update(division_code="")
        for row in changing:
            row.region.division_code = row.code
            row.region.save(update_fields=["division_code"])
        self.stdout.write(
            f"Division codes: {len(changing)} set, {len(rows) - len(changing)} already so."
        )

    def report(self, reviewed, reading):
        known = {
            canonical_code(code)
            for code in Region.objects.exclude(division_code="").values_list(
                "division_code", flat=True
            )
        }
        unmatched = [
            f"{feature['properties']['code'].rstrip('0')} {feature['properties']['name']}".strip()
            for feature in reading.collection["features"]
            if feature["properties"]["code"] and feature["properties"]["code"] not in known
        ]
        self.stdout.write(
            f"Installed “{reviewed.title}” (review number “{reviewed.review_number}”): "
            f"{reading.coded} regions, {len(reading.uncoded_names)} other features kept."
        )
        if unmatched:
            self.stdout.write(
                f"{len(unmatched)} features match no region of the portal (kept, drawn as "
                f"neighbours): "
                + ", ".join(unmatched[:EXAMPLES])
                + (" …" if len(unmatched) > EXAMPLES else "")
            )
        if reading.uncoded_names:
            self.stdout.write(
                "Features without a division code, drawn only with the whole map: "
                + ", ".join(reading.uncoded_names[:EXAMPLES])
            )


def system_user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
