"""The application and self-assessment lists search their own copy of the enterprise's
name (enterprises/name_copy.py): it finds what icontains on the registry's name finds,
new rows take the name, and a rename (registry edit, Excel import) moves every copy in
the same transaction."""

from __future__ import annotations

import random

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from certification.applications.views import SEARCH_INDEX as APPLICATION_INDEX
from certification.models import Application
from enterprises import services as registry
from enterprises.models import Enterprise, ImportJob, RegistrationClaim
from enterprises.name_copy import enterprise_search
from enterprises.uscc import make_uscc
from portal import text_search
from portal.models import Industry, Organisation, OrganisationKind, Region
from reviews.models import Assessment
from reviews.views.listing import SEARCH_INDEX as ASSESSMENT_INDEX
from tests.certification.factories import make_tiered_version
from tests.certification.test_pages import draft, submitted
from tests.enterprises.test_import import good_row, make_xlsx, upload_file
from tests.enterprises.test_name_search import expected, fragments, generated_names


@pytest.fixture
def version(db):
    return make_tiered_version()


def listed(client, name: str, q: str) -> list:
    return list(client.get(reverse(name), {"q": q}).context["page"].object_list)


def rename(cast, enterprise: Enterprise, name: str) -> None:
    enterprise.name = name
    registry.enterprise_save(actor=cast.district, enterprise=enterprise)


def test_a_new_application_and_its_self_assessment_carry_the_enterprise_name(cast, version):
    application = draft(cast, version)

    application.refresh_from_db()
    assert application.enterprise_name == cast.ent.name
    assert Assessment.objects.get(pk=application.assessment_id).enterprise_name == cast.ent.name


def test_a_renamed_enterprise_is_found_by_its_new_name_only(cast, version, client_for):
    application = submitted(cast, version)
    district = client_for(cast.district)
    old = cast.ent.name
    assert listed(district, "certification:list", old) == [application]

    rename(cast, Enterprise.objects.get(pk=cast.ent.pk), "北京星河泵阀制造有限公司")

    assert listed(district, "certification:list", "星河泵阀") == [application]
    assert listed(district, "certification:list", old) == []
    assert [a.pk for a in listed(district, "assessments:list", "星河泵阀")] == [
        application.assessment_id
    ]
    assert listed(district, "assessments:list", old) == []
    page = district.get(reverse("certification:list"), {"q": "星河"}).content.decode()
    assert "北京星河泵阀制造有限公司" in page


def test_a_registration_under_another_name_moves_the_copies(cast, version, client_for):
    """The district confirms a claim for a registered enterprise without an account,
    under the name the claimant gives: its applications are found by that name."""
    application = submitted(cast, version)
    Enterprise.objects.filter(pk=cast.ent.pk).update(account=None)
    name = "北京朝阳精工装备股份有限公司"
    claim = RegistrationClaim.objects.create(
        uscc=cast.ent.uscc,
        name=name,
        region=cast.chaoyang,
        contact_name="张三",
        contact_phone="13800000000",
        district=cast.chaoyang,
        enterprise=cast.ent,
        account=Organisation.objects.create(
            name=name,
            kind=OrganisationKind.ENTERPRISE,
            region=cast.chaoyang,
            status=Organisation.Status.PENDING,
        ),
    )
    registry.registration_approve(actor=cast.district, claim=claim)

    district = client_for(cast.district)
    assert listed(district, "certification:list", "精工装备") == [application]
    assert [a.pk for a in listed(district, "assessments:list", "精工装备")] == [
        application.assessment_id
    ]


def test_an_import_that_renames_an_enterprise_moves_its_copies(
    cast, version, client_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    application = submitted(cast, version)
    row = good_row(1, uscc=cast.ent.uscc, name="北京云岭精工机械有限公司")
    client = client_for(cast.district)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enterprises:import"), {"file": upload_file(make_xlsx([row])), "mode": "update"}
        )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:import_job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done", job.errors

    application.refresh_from_db()
    assert application.enterprise_name == "北京云岭精工机械有限公司"
    assert listed(client, "certification:list", "云岭精工") == [application]
    assert listed(client, "assessments:list", "云岭精工")


def test_a_district_finds_by_name_only_the_applications_it_sees(cast, version, client_for):
    application = submitted(cast, version)
    fragment = cast.ent.name[2:6]

    assert listed(client_for(cast.district), "certification:list", fragment) == [application]
    assert listed(client_for(cast.other_district), "certification:list", fragment) == []
    assert listed(client_for(cast.other_district), "assessments:list", fragment) == []


@pytest.fixture
def generated(db):
    """300 enterprises with names from a small alphabet, each with a self-assessment
    and an application written in bulk (the bulk writer copies the name itself)."""
    rng = random.Random(2025)
    region = Region.objects.get(code="110105")
    industry = Industry.objects.get(code="machinery")
    names = generated_names(rng, 300)
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(name=name, uscc=make_uscc("110105", f"MN{i:07d}"), region=region)
        for i, name in enumerate(names)
    )
    version = make_tiered_version()
    author = get_user_model().objects.create(username="bulk-author")
    assessments = Assessment.objects.bulk_create(
        Assessment(
            enterprise=e,
            enterprise_name=e.name,
            region=region,
            version=version,
            created_by=author,
        )
        for e in enterprises
    )
    applicant = Organisation.objects.create(name="批量申请单位", kind="enterprise")
    Application.objects.bulk_create(
        Application(
            enterprise=e,
            enterprise_name=e.name,
            region=region,
            applicant=applicant,
            assessment=a,
            tier="3",
            industry=industry,
            receiver=applicant,
            created_by=author,
        )
        for e, a in zip(enterprises, assessments, strict=True)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE certification_application")
            cursor.execute("ANALYZE reviews_assessment")
    text_search.forget_frequencies()
    return rng, names


@pytest.mark.parametrize(
    "model, index", [(Application, APPLICATION_INDEX), (Assessment, ASSESSMENT_INDEX)]
)
def test_the_copy_finds_what_icontains_on_the_registry_finds(generated, model, index):
    rng, names = generated
    registry_rows = Enterprise.objects.filter(uscc__contains="MN")
    for fragment in fragments(rng, names):
        wanted = expected(registry_rows, fragment)
        found = set(
            model.objects.filter(enterprise_search(fragment, index)).values_list(
                "enterprise_id", flat=True
            )
        )
        assert found == wanted, fragment
