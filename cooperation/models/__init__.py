from simple_history import register

from cooperation.quantities import Qualifier, combine_qualifiers

from .base import Publication, Side
from .figures import Event, Figure, Indicator, year_over_year
from .history import HistoryBase
from .intake import Intake
from .maps import ReviewedMap
from .pairings import Pairing
from .places import Organization, Person, Region
from .projects import Beneficiary, Benefit, Project, ProjectLocation, ProjectOrganization
from .revisions import ReviewStep, Revision
from .sources import Source

__all__ = [
    "Beneficiary",
    "Benefit",
    "Event",
    "Figure",
    "Indicator",
    "Intake",
    "Organization",
    "Pairing",
    "Person",
    "Project",
    "ProjectLocation",
    "ProjectOrganization",
    "Publication",
    "Qualifier",
    "Region",
    "ReviewedMap",
    "ReviewStep",
    "Revision",
    "Side",
    "Source",
    "combine_qualifiers",
    "year_over_year",
]

# Every change to these is kept with who made it, even after that user is removed.
for model in (
    Project,
    Pairing,
    Beneficiary,
    Benefit,
    Figure,
    Indicator,
    Event,
    Region,
    Organization,
    Person,
    Source,
):
    register(model, app="cooperation", bases=[HistoryBase], user_db_constraint=False)
