"""The portal's choices as IATI 2.03 codes (iatistandard.org/en/iati-standard/203/codelists/).

Each mapping is keyed by the portal's stored codes; tests/test_iati.py checks that every
choice is mapped and every code is in its IATI codelist.
"""

# Sector (DAC 5-digit purpose codes, vocabulary 1) of each project category.
SECTOR_VOCABULARY = "1"
SECTORS = {
    "industry": "32120",  # Industrial development: factories, processing lines, parks
    "workshop": "16020",  # Employment creation: workshops so that people work near home
    "labour": "16020",  # Employment creation: training and placement of rural labourers
    "consumption": "25030",  # Business development services: commercial linkages
    "talent": "15110",  # Public sector policy and administrative management: cadres, staff
    "education": "11110",  # Education policy and administrative management (unspecified)
    "health": "12191",  # Medical services: hospitals and their medical teams
    "rural": "43040",  # Rural development: village economy, liveable villages, tourism belts
    "investment": "25010",  # Business policy and administration: investment promotion
}

# ActivityStatus of each work status. A project "in operation" has finished its physical
# work and goes on being reported on: Finalisation.
ACTIVITY_STATUS = {
    "planned": "1",  # Pipeline/identification
    "under_way": "2",  # Implementation
    "in_operation": "3",  # Finalisation
    "completed": "4",  # Closed
}

# ActivityDateType.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"

# OrganisationRole.
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
# The IATI roles of a project's organisations. Buyers and partners have none of IATI's
# four roles and are left out of participating-org.
ROLES = {
    "funder": (FUNDING,),
    "implementer": (IMPLEMENTING,),
    "operator": (IMPLEMENTING,),
}
# The eastern party of the project's pairing puts in the assistance funds and passes them on.
EASTERN_PARTY_ROLES = (FUNDING, EXTENDING)

# OrganisationType of each kind of organisation. A pairing's side named by its region
# (南沙区) is that region's government.
ORGANISATION_TYPES = {
    "government": "11",  # Local Government
    "enterprise": "70",  # Private Sector
    "hospital": "15",  # Other Public Sector
    "school": "80",  # Academic, Training and Research
    "social": "22",  # National NGO
    "village_committee": "90",  # Other: self-governing, not a government body
    "shop": "70",  # Private Sector
    "work_team": "15",  # Other Public Sector
    "industrial_park": "15",  # Other Public Sector: park management committees
}
REGION_GOVERNMENT = "11"

# TransactionType of an assistance-funds figure by its kind: money given, or promised.
TRANSACTION_TYPES = {
    "actual": "3",  # Disbursement
    "expected": "2",  # Outgoing Commitment
    "target": "2",  # Outgoing Commitment
}
CURRENCY = "CNY"

# ResultType of the other figures, by measure: what the project produced (Output) or what
# followed from it (Outcome); anything else Other.
OUTPUT, OUTCOME, OTHER_RESULT = "1", "2", "9"
RESULT_TYPES = {
    "workshops": OUTPUT,
    "output": OUTPUT,
    "seconded_cadres": OUTPUT,
    "technical_staff": OUTPUT,
    "west_cadres": OUTPUT,
    "west_technical_staff": OUTPUT,
    "cadre_training": OUTPUT,
    "technical_training": OUTPUT,
    "technical_training_sessions": OUTPUT,
    "labour_training": OUTPUT,
    "labour_training_sessions": OUTPUT,
    "investment": OUTCOME,
    "enterprises": OUTCOME,
    "jobs": OUTCOME,
    "new_jobs": OUTCOME,
    "sales": OUTCOME,
    "donations": OUTCOME,
    "output_value": OUTCOME,
    "people": OUTCOME,
    "assistance_funds": OTHER_RESULT,  # only those not given as transactions
    "rate": OTHER_RESULT,
    "other": OTHER_RESULT,
}

# IndicatorMeasure: a percentage, or a count or amount of units.
UNIT_MEASURE, PERCENTAGE_MEASURE = "1", "2"

# GeographicLocationClass: villages are populated places, the levels above administrative
# regions. GeographicLocationReach 1: the activity happens there.
LOCATION_CLASSES = {"village": "2"}
ADMINISTRATIVE_REGION = "1"
ACTIVITY_HAPPENS_HERE = "1"

# DocumentCategory of the project's public pages (one per language).
ACTIVITY_WEB_PAGE = "A12"

# Country (ISO 3166-1) of every activity: the programme is within China.
RECIPIENT_COUNTRY = "CN"
