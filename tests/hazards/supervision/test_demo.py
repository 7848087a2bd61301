"""seed_demo: demo-enterprise's major hazard reported (every receipt acknowledged),
its plan approved and listed by demo-district, with one progress report; again:
nothing new."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from hazards.models import ReportReceipt, SupervisionListing, TreatmentPlan
from portal.models import User


def test_the_demo_has_a_major_hazard_under_district_supervision(db, client):
    call_command("load_hazard_catalogues", stdout=StringIO())
    call_command("seed_demo", enterprises=0, stdout=StringIO())
    listing = SupervisionListing.objects.select_related("hazard__enterprise", "issuer").get()
    district = User.objects.get(username="demo-district")
    assert listing.issuer_id == district.organisation_id and listing.level == "district"
    assert listing.hazard.enterprise.account.users.filter(username="demo-enterprise").exists()
    assert listing.progress_reports.count() == 1
    receipts = ReportReceipt.objects.filter(report__hazard=listing.hazard)
    assert receipts.exists() and not receipts.filter(acknowledged_at__isnull=True).exists()
    assert TreatmentPlan.objects.get(hazard=listing.hazard).approved_at is not None
    client.force_login(district)
    assert client.get(reverse("hazards:supervision:detail", args=[listing.pk])).status_code == 200
    call_command("seed_demo", enterprises=0, stdout=StringIO())
    assert SupervisionListing.objects.count() == 1
