"""Project, pairing and beneficiary detail pages. (Placeholders until built.)"""

from cooperation.views.pages import DashboardView

ProjectDetailView = PairingDetailView = BeneficiaryDetailView = DashboardView
