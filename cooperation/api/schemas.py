"""What the API answers: every record has its `id`, its canonical page `url` (absolute),
`display_name` (its name in the requested language, as its page shows it), the stored
Chinese texts and their `_en` siblings side by side, references as `<name>_id`, and
choices as their stored codes. Field names never change with the language."""

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from cooperation.api.amounts import Amount

Lang = Literal["zh-hans", "en"]
# Ids are 64-bit: a larger number names no record and is refused, not looked up.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def codes(choices):
    """A query parameter of the stored codes of a TextChoices, inline in the schema."""
    return Literal[tuple(choices.values)]


class Problem(Schema):
    detail: str = Field(description="What was wrong, in plain words.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages for each query parameter at fault."
    )


class RateLimited(Schema):
    detail: str
    retry_after: int = Field(description="Seconds until requests are counted anew.")


class Index(Schema):
    version: str
    openapi: str = Field(description="This API's OpenAPI 3 schema.")
    docs: str = Field(description="Its documentation, to read and try in a browser.")
    lists: dict[str, str] = Field(description="The first page of each list.")
    iati_activities: str = Field(description="The projects as IATI 2.03 activity XML.")


class Cited(Schema):
    source_id: int | None
    source_url: str | None = Field(description="The source's page on this portal.")
    quote: str = Field(description="The source's sentence, in Chinese as written.")
    quote_en: str = Field(description="An English rendering of the sentence, or empty.")
    source_note: str
    source_note_en: str


class Record(Schema):
    id: int
    url: str = Field(description="The record's public page (in the requested language).")
    display_name: str


class ProjectRole(Schema):
    organization_id: int
    role: str


class ProjectOut(Record, Cited):
    slug: str
    title: str
    title_en: str
    category: str
    work_status: str
    pairing_id: int | None = Field(description="Null while the pairing is not published.")
    start_year: int | None
    end_year: int | None
    summary: str
    summary_en: str
    description: str
    description_en: str
    funds: Amount | None = Field(
        description="The project's own assistance funds in 元, as its list shows them."
    )
    funds_qualifier: str
    location_ids: list[int]
    organizations: list[ProjectRole]
    beneficiary_ids: list[int]
    updated_at: datetime.datetime


class PairingOut(Record, Cited):
    level: str
    mode: str
    parent_id: int | None
    east_region_id: int | None
    east_organization_id: int | None
    east_count: int | None
    west_region_id: int | None
    west_organization_id: int | None
    west_count: int | None
    start_year: int | None
    description: str
    description_en: str
    updated_at: datetime.datetime


class BeneficiaryOut(Record, Cited):
    name: str
    name_en: str
    kind: str
    region_id: int | None
    organization_id: int | None
    description: str
    description_en: str
    updated_at: datetime.datetime


class OrganizationOut(Record, Cited):
    name: str
    name_en: str
    short_name: str
    short_name_en: str
    kind: str
    region_id: int | None
    parent_id: int | None
    description: str
    description_en: str


class RegionOut(Record, Cited):
    name: str
    name_en: str
    short_name: str
    short_name_en: str
    level: str
    parent_id: int | None
    side: str
    division_code: str


class SourceOut(Record):
    slug: str
    title: str
    title_en: str
    kind: str
    publisher: str
    publisher_en: str
    author: str
    author_en: str
    published_on: datetime.date | None
    document_url: str = Field(description="Where the source itself is published, if known.")
    description: str
    description_en: str


class FigureOut(Record, Cited):
    measure: str
    label: str
    label_en: str
    value: Amount = Field(description="In `unit` (元 for money).")
    unit: str
    qualifier: str = Field(description="exact, at_least, about, more_than or less_than.")
    kind: str = Field(description="actual, expected or target.")
    period_kind: str = Field(description="flow, cumulative, stock or unknown.")
    period_start: datetime.date | None
    period_end: datetime.date | None
    period: str = Field(description="The period in the source's words.")
    period_en: str
    year: int | None
    scope: str = Field(description="owner, places or pairing.")
    place_ids: list[int]
    project_id: int | None
    indicator_id: int | None
    beneficiary_id: int | None
    benefit_id: int | None
    pairing_id: int | None
    part_of_id: int | None


class Page(Schema):
    next: str | None = Field(description="The next page, or null on the last one.")
    lang: Lang


class ProjectPage(Page):
    results: list[ProjectOut]


class PairingPage(Page):
    results: list[PairingOut]


class BeneficiaryPage(Page):
    results: list[BeneficiaryOut]


class OrganizationPage(Page):
    results: list[OrganizationOut]


class RegionPage(Page):
    results: list[RegionOut]


class SourcePage(Page):
    results: list[SourceOut]


class FigurePage(Page):
    results: list[FigureOut]
