"""The enterprise's scale from its figures (enterprises/scale.py): the borders of the
national thresholds, and the warning on the enterprise form, its page and the API when
the declared scale disagrees."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from enterprises.scale import derive_scale, scale_warning

D = Decimal


@pytest.mark.parametrize(
    ("industry", "revenue", "employees", "expected"),
    [
        # 规模以上工业: 2000万 main-business revenue, the border itself included.
        ("machinery", D("2000"), 5, "above"),
        ("machinery", D("1999.99"), 299, "small_micro"),
        # 300号 工业: medium from 300 employees and 2000万; a large workforce alone is not.
        ("machinery", D("1999.99"), 1000, "small_micro"),
        ("coal", D("25000"), 2000, "above"),
        ("power", None, 10, "small_micro"),  # below the employees border: small whatever
        ("power", None, 300, None),  # revenue unknown: undecided
        ("machinery", None, None, None),
        # 零售业 (商贸): medium from 50 employees and 500万.
        ("commerce", D("500"), 50, None),
        ("commerce", D("499.99"), 50, "small_micro"),
        ("commerce", D("500"), 49, "small_micro"),
        # 交通运输业: medium from 300 employees and 3000万.
        ("transport", D("3000"), 299, "small_micro"),
        ("transport", D("3000"), 300, None),
        # 建筑业: medium from 6000万 revenue and 5000万 assets (assets not recorded).
        ("construction", D("5999"), 500, "small_micro"),
        ("construction", D("6000"), 500, None),
        # 其他未列明行业 (文化): medium from 100 employees.
        ("culture", None, 99, "small_micro"),
        ("culture", None, 100, None),
    ],
)
def test_the_thresholds_at_their_borders(industry, revenue, employees, expected):
    assert derive_scale(industry, revenue, employees) == expected


def test_the_above_size_threshold_is_a_setting(settings):
    settings.ABOVE_DESIGNATED_SIZE_REVENUE = 500
    assert derive_scale("machinery", D("500"), 10) == "above"
    assert derive_scale("machinery", D("499"), 10) == "small_micro"


def test_a_disagreeing_scale_is_named_with_its_basis():
    with translation.override("en"):
        message = scale_warning("machinery", D("3000"), 400, "small_micro")
        assert "Above designated size" in message and "2000" in message
        message = scale_warning("commerce", D("100"), 8, "above")
        assert "Small and micro" in message and "零售业" in message
        # A medium shop declared small and micro.
        assert "medium size" in scale_warning("commerce", D("800"), 60, "small_micro")
    assert scale_warning("machinery", D("3000"), 400, "above") is None
    assert scale_warning("machinery", None, None, "small_micro") is None
    assert scale_warning("machinery", D("3000"), 400, "") is None


@pytest.fixture
def en_client(cast, client_for):
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _post_data(ent, **changes):
    data = {
        "name": ent.name,
        "uscc": ent.uscc,
        "region": ent.region_id,
        "street": ent.street_id or "",
        "address": ent.address,
        "industry": ent.industry_id or "",
        "scale": ent.scale,
        "employees": ent.employees or "",
        "annual_revenue": ent.annual_revenue or "",
        "legal_representative": ent.legal_representative,
        "safety_principal": ent.safety_principal,
        "contact_name": ent.contact_name,
        "contact_phone": ent.contact_phone,
        "group": ent.group_id or "",
        "safety_licence_no": ent.safety_licence_no,
        "safety_licence_expires": "",
        "status": ent.status,
    }
    data.update(changes)
    return data


def test_the_form_saves_and_warns_when_the_scale_disagrees(cast, en_client):
    ent = cast.ent
    ent.industry_id = "machinery"
    ent.save(update_fields=["industry"])
    response = en_client.post(
        reverse("enterprises:edit", args=[ent.pk]),
        _post_data(ent, scale="small_micro", annual_revenue="3000", employees="400"),
        follow=True,
    )
    ent.refresh_from_db()
    assert ent.scale == "small_micro"  # a warning, not a refusal
    page = response.content.decode()
    assert 'data-testid="scale-warning"' in page
    assert "Above designated size" in page


def test_the_page_shows_no_warning_when_the_scale_agrees(cast, en_client):
    ent = cast.ent
    Enterprise.objects.filter(pk=ent.pk).update(
        industry_id="machinery", scale="above", annual_revenue=D("3000"), employees=400
    )
    page = en_client.get(reverse("enterprises:detail", args=[ent.pk])).content.decode()
    assert 'data-testid="scale-warning"' not in page


def test_the_api_gives_the_derived_scale_and_the_warning(cast):
    ent = cast.ent
    Enterprise.objects.filter(pk=ent.pk).update(
        industry_id="machinery", scale="small_micro", annual_revenue=D("3000"), employees=400
    )
    api = APIClient()
    api.force_authenticate(cast.district)
    data = api.get(f"/api/v1/enterprises/{ent.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["derived_scale"] == "above"
    assert data["scale_warning"]


# --- a USCC issued outside Beijing: a warning on registration, not a refusal --------


def test_a_registration_with_a_code_from_outside_beijing_is_received_with_a_warning(client, cast):
    from django.core.cache import cache

    from enterprises.models import RegistrationClaim
    from enterprises.uscc import make_uscc

    cache.clear()
    code = make_uscc("440300", "MA0000777")  # Shenzhen
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(
        reverse("register"),
        {
            "uscc": code,
            "name": "深圳某机械有限公司北京分公司",
            "region": "110105",
            "street": "",
            "contact_name": "张伟",
            "contact_phone": "13800000000",
            "email": "zw@example.cn",
            "username": "shenzhen-branch",
            "password": "Strong-pass-2026",
        },
        follow=True,
    ).content.decode()
    assert RegistrationClaim.objects.filter(uscc=code).exists()
    assert "issued outside Beijing (area code 440300)" in page
    cache.clear()


def test_the_district_sees_the_flag_in_its_queue(cast, en_client):
    from enterprises import services
    from enterprises.uscc import make_uscc

    beijing, shenzhen = make_uscc("110105", "MA0000778"), make_uscc("440300", "MA0000779")
    for n, code in enumerate((beijing, shenzhen)):
        services.enterprise_register(
            uscc=code,
            name=f"登记{n}",
            region=cast.chaoyang,
            contact_name="张伟",
            contact_phone="13800000000",
            username=f"claim-{n}",
            email="a@example.cn",
            password="Strong-pass-2026",
        )
    page = en_client.get(reverse("enterprises:registrations")).content.decode()
    rows = page.split('data-testid="registration-row"')[1:]
    flagged = {row.split('data-uscc="')[1][:18] for row in rows if "outside-beijing" in row}
    assert flagged == {shenzhen}


def test_the_api_names_a_code_from_outside_beijing(cast):
    from enterprises.uscc import make_uscc

    api = APIClient()
    api.force_authenticate(cast.district)
    url = f"/api/v1/enterprises/{cast.ent.pk}/"
    assert api.get(url).json()["uscc_warning"] is None  # a Beijing code
    Enterprise.objects.filter(pk=cast.ent.pk).update(uscc=make_uscc("440300", "MA0000780"))
    assert "440300" in api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["uscc_warning"]


# --- the import: warnings on the dry run, the rows imported all the same ------------


def test_the_import_lists_the_rows_to_check_and_imports_them(
    cast, client_for, django_capture_on_commit_callbacks, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.models import ImportJob
    from enterprises.uscc import make_uscc
    from tests.enterprises.test_import import good_row, make_xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    rows = [
        # Agrees: a small machinery firm declared 小微.
        good_row(1, scale="小微", employees=12, annual_revenue=250),
        # Declared below size with 3000万 of revenue: 规模以上.
        good_row(2, scale="规模以下", employees=400, annual_revenue=3000),
        # A code from Shenzhen.
        good_row(3, scale="小微", uscc=make_uscc("440300", "MP0000003")),
    ]
    client = client_for(cast.district)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("enterprises:import"),
            {"file": SimpleUploadedFile("e.xlsx", make_xlsx(rows)), "mode": "create"},
        )
    job = ImportJob.objects.get()
    assert job.error_count == 0
    assert sorted(w["row"] for w in job.warnings) == [3, 4]
    page = client.get(reverse("enterprises:import_job", args=[job.pk])).content.decode()
    assert page.count('data-testid="warning"') == 2
    assert "Above designated size" in page and "440300" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:import_job_commit", args=[job.pk]))
    assert Enterprise.objects.filter(name__startswith="北京导入测试机械有限公司").count() == 3
