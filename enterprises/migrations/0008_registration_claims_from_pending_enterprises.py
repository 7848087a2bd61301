"""Registrations made before claims existed become claims.

Self-registration used to write into the registry: a new USCC became a pending (or,
once refused, rejected) enterprise; a USCC already in the registry had its entry
renamed and linked to the pending account. Each such account now gets a claim with
what it registered, and its registry link is removed, so that a pending or rejected
account reaches no enterprise and a rejection frees the USCC. Entries that only the
registration had created are deleted, unless something already refers to them.
"""

from django.db import migrations
from django.db.models import ProtectedError

OPEN = ("pending", "rejected")


def registrations_to_claims(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    RegistrationClaim = apps.get_model("enterprises", "RegistrationClaim")
    linked = (
        Enterprise.objects.filter(account__status__in=OPEN, account__kind="enterprise")
        .select_related("account")
        .order_by("pk")
    )
    for enterprise in linked:
        account = enterprise.account
        created_by_registration = enterprise.status in OPEN
        claim = RegistrationClaim.objects.create(
            uscc=enterprise.uscc,
            name=enterprise.name,
            region_id=enterprise.region_id,
            street_id=enterprise.street_id,
            contact_name=enterprise.contact_name or account.contact_name,
            contact_phone=enterprise.contact_phone or account.contact_phone,
            district_id=enterprise.region_id,
            account=account,
            enterprise=None if created_by_registration else enterprise,
            status=account.status,
            reason=account.status_reason if account.status == "rejected" else "",
        )
        RegistrationClaim.objects.filter(pk=claim.pk).update(created_at=account.created_at)
        Enterprise.objects.filter(pk=enterprise.pk).update(account=None)
        if created_by_registration:
            try:
                Enterprise.objects.filter(pk=enterprise.pk).delete()
            except ProtectedError:
                pass  # referred to by other records: kept, without its account


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0007_registration_claim"),
    ]

    operations = [
        migrations.RunPython(registrations_to_claims, migrations.RunPython.noop),
    ]
