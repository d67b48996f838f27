"""Project, pairing and beneficiary lists. (Placeholders until built.)"""

from cooperation.views.pages import DashboardView

ProjectListView = PairingListView = BeneficiaryListView = DashboardView
