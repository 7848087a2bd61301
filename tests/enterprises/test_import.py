"""Excel import of enterprises: template, dry run, per-row problems, all-or-nothing
commit, duplicates, progress, scope, and a run on a real Celery worker."""

from __future__ import annotations

import io
import time
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from celery.result import _set_task_join_will_block
from django.db import DatabaseError
from django.db.models.signals import post_save
from django.test import override_settings
from django.urls import reverse

from enterprises.importing import service
from enterprises.importing.columns import COLUMNS
from enterprises.models import Enterprise, ImportJob
from enterprises.tasks import import_check_task, import_commit_task
from enterprises.uscc import make_uscc
from portal.models import AuditEvent, Industry

KEYS = [column.key for column in COLUMNS]
HEADERS = [column.zh for column in COLUMNS]


def good_row(serial: int, **overrides) -> dict:
    row = {
        "name": f"北京导入测试机械有限公司{serial}",
        "uscc": make_uscc("110105", f"MP{serial:07d}"),
        "region": "朝阳区",
        "street": "建外街道",
        "address": f"朝阳区建国路{serial}号",
        "industry": "机械",
        "scale": "规模以下",
        "employees": 12,
        "annual_revenue": 1250.5,
        "legal_representative": "张三",
        "safety_principal": "李四",
        "contact_name": "王五",
        "contact_phone": "13800138000",
        "group": None,
        "safety_licence_no": None,
        "safety_licence_expires": None,
    }
    row.update(overrides)
    return row


def make_xlsx(
    rows: list[dict], headers: list[str] | None = None, *, write_only: bool = False
) -> bytes:
    """A workbook like a user's: row 1 the headers, then one row per dict.
    A string starting with "=" becomes a formula, as Excel stores it.
    A write-only workbook, like those other programs stream out, declares
    no dimension (no row count)."""
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    headers = headers or HEADERS
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(key) for key in KEYS][: len(headers)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload_file(content: bytes, name: str = "enterprises.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary MEDIA_ROOT, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    """Messages in English, whatever the translations say."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def run_import(client_for, english, django_capture_on_commit_callbacks):
    """Upload as ``user`` and run the dry run (eager Celery, after commit)."""

    def run(user, content: bytes, *, mode: str = "create", name: str = "enterprises.xlsx"):
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("enterprises:import"), {"file": upload_file(content, name), "mode": mode}
            )
        return response

    return run


@pytest.fixture
def commit(client_for, django_capture_on_commit_callbacks):
    def run(user, job: ImportJob):
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("enterprises:import_job_commit", args=[job.pk]))
        job.refresh_from_db()
        return response

    return run


def problems_of(job: ImportJob) -> set[tuple]:
    return {(p["row"], p["column"]) for p in job.errors}


def message_for(job: ImportJob, row, column) -> str:
    return " ".join(p["message"] for p in job.errors if p["row"] == row and p["column"] == column)


# -- template ----------------------------------------------------------------------------


def test_template_has_the_headers_and_a_sheet_of_valid_values(cast, client_for):
    response = client_for(cast.district).get(reverse("enterprises:import_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, values = workbook.worksheets
    assert [cell.value for cell in data[1]] == HEADERS
    assert data.max_row == 1
    listed = {cell.value for column in values.iter_cols() for cell in column}
    assert {
        "朝阳区",
        "建外街道",
        "机械",
        "建筑施工",
        "规模以上",
        "规模以下",
        "小微",
        "北京京城机电控股有限责任公司",
    } <= listed
    # A district's template lists its own streets only.
    assert "万寿路街道" not in listed


def test_template_in_english_has_english_headers(cast, client_for, english):
    response = client_for(cast.city).get(reverse("enterprises:import_template"))
    headers = [
        cell.value for cell in openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0][1]
    ]
    assert headers[:3] == ["Name", "Unified social credit code", "District"]


def test_the_filled_template_imports(cast, client_for, run_import, commit):
    response = client_for(cast.district).get(reverse("enterprises:import_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    row = good_row(1)
    workbook.worksheets[0].append([row[key] for key in KEYS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run_import(cast.district, buffer.getvalue())
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.errors) == ("validated", 1, [])


# -- dry run and commit ------------------------------------------------------------------


def test_dry_run_of_a_good_file_shows_counts_and_writes_nothing(cast, run_import, english):
    ent = cast.ent
    unchanged = good_row(
        0,
        name=ent.name,
        uscc=ent.uscc,
        address=None,
        scale="规模以下",
        group="北京京城机电控股有限责任公司",
        employees=None,
        annual_revenue=None,
        legal_representative=None,
        safety_principal=None,
        contact_name=None,
        contact_phone=None,
    )
    rows = [good_row(1), good_row(2), unchanged]
    before = Enterprise.objects.count()

    response = run_import(cast.district, make_xlsx(rows), mode="update")

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:import_job", args=[job.pk])
    assert (job.status, job.total_rows, job.rows_done) == ("validated", 3, 3)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 1)
    assert job.errors == []
    assert Enterprise.objects.count() == before
    assert not AuditEvent.objects.filter(action="enterprise.import").exists()
    page = english.get(response["Location"])
    content = page.content.decode()
    assert 'data-testid="count-created">2<' in content
    assert 'data-testid="count-unchanged">1<' in content
    assert 'data-testid="commit-button"' in content


def test_commit_writes_every_row_and_records_one_audit_event(cast, run_import, commit):
    second = good_row(
        2,
        industry="construction",
        safety_licence_no="(京)JZ安许证字[2024]000123",
        safety_licence_expires="2027-06-30",
        scale="above",
        region="110105",
        street="110105001",
        group="北京京城机电控股有限责任公司",
    )
    rows = [good_row(1), second]
    run_import(cast.district, make_xlsx(rows))
    job = ImportJob.objects.get()

    response = commit(cast.district, job)

    assert response.status_code == 302
    assert (job.status, job.created_count, job.committed_by) == ("done", 2, cast.district)
    first = Enterprise.objects.get(uscc=rows[0]["uscc"])
    assert (first.name, first.region_id, first.street_id, first.industry_id, first.scale) == (
        rows[0]["name"],
        "110105",
        cast.chaoyang_street.pk,
        "machinery",
        "below",
    )
    assert (first.employees, first.annual_revenue, first.status) == (
        12,
        Decimal("1250.50"),
        "active",
    )
    second = Enterprise.objects.get(uscc=rows[1]["uscc"])
    assert (second.industry_id, second.scale, second.group.name) == (
        "construction",
        "above",
        "北京京城机电控股有限责任公司",
    )
    assert str(second.safety_licence_expires) == "2027-06-30"
    event = AuditEvent.objects.get(action="enterprise.import")
    assert event.actor == cast.district
    assert event.after["job"] == job.pk
    assert (event.after["created"], event.after["updated"], event.after["unchanged"]) == (2, 0, 0)


def test_a_task_delivered_twice_does_its_work_once(cast, run_import, commit):
    run_import(cast.district, make_xlsx([good_row(1)]))
    job = ImportJob.objects.get()
    commit(cast.district, job)

    import_check_task.delay(job.pk)
    import_commit_task.delay(job.pk)

    job.refresh_from_db()
    assert job.status == "done"
    assert Enterprise.objects.filter(uscc=good_row(1)["uscc"]).count() == 1
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 1


# -- bad input ---------------------------------------------------------------------------


def test_every_problem_is_listed_by_row_and_column(cast, run_import, english):
    bad_check = make_uscc("110105", "MP0000009")
    bad_check = bad_check[:17] + ("0" if bad_check[17] != "0" else "1")
    rows = [
        good_row(1),  # row 2: fine
        good_row(2, uscc=bad_check),  # row 3
        good_row(3, uscc="9111010IMA0000003X"),  # row 4: letter I
        good_row(4, employees="abc"),  # row 5
        good_row(5, annual_revenue=-3),  # row 6
        good_row(6, safety_licence_expires="next year"),  # row 7
        good_row(7, region="火星区"),  # row 8
        good_row(8, street="万寿路街道"),  # row 9
        good_row(9, industry="养殖"),  # row 10
        good_row(10, name=None),  # row 11
        good_row(1, name="重复"),  # row 12: same USCC as row 2
        good_row(12, industry="建筑施工"),  # row 13: no licence
        good_row(13, employees="=1+1"),  # row 14: formula
        good_row(14, scale="巨型"),  # row 15
        good_row(15, group="不存在的集团"),  # row 16
    ]
    before = Enterprise.objects.count()

    response = run_import(cast.district, make_xlsx(rows))

    job = ImportJob.objects.get()
    assert job.status == "failed_validation"
    assert Enterprise.objects.count() == before
    expected = {
        (3, "统一社会信用代码"): f"should be “{make_uscc('110105', 'MP0000009')[17]}”",
        (4, "统一社会信用代码"): "Character 8 (“I”) is not allowed",
        (5, "从业人数"): "“abc” is not a whole number",
        (6, "年营业收入(万元)"): "cannot be negative",
        (7, "许可证有效期"): "“next year” is not a date",
        (8, "所属区"): "“火星区” is not a district",
        (9, "街道/乡镇"): "万寿路街道 is not in Chaoyang",
        (10, "行业"): "“养殖” is not an industry",
        (11, "企业名称"): "Required",
        (12, "统一社会信用代码"): "also on row 2",
        (13, "安全生产许可证号"): "need a safety licence",
        (14, "从业人数"): "Cell H14 holds a formula",
        (15, "规模"): "“巨型” is not a scale",
        (16, "所属集团"): "“不存在的集团” is not an enterprise group",
    }
    for (row, column), text in expected.items():
        assert text in message_for(job, row, column), (row, column, job.errors)
    assert not [p for p in job.errors if p["row"] == 2]
    assert job.error_count == len(expected)
    # The page lists them, and offers no commit.
    content = english.get(response["Location"]).content.decode()
    assert 'data-row="14"' in content and "Cell H14 holds a formula" in content
    assert 'data-testid="commit-button"' not in content


def test_wrong_columns_are_named(cast, run_import, english):
    headers = [h for h in HEADERS if h != "所属区"] + ["备注", "企业名称"]
    rows = [good_row(1)]

    run_import(cast.district, make_xlsx(rows, headers=headers))

    job = ImportJob.objects.get()
    assert job.status == "failed_validation"
    messages = " ".join(p["message"] for p in job.errors)
    assert "Missing: 所属区" in messages
    assert "Unknown column “备注” (column P)" in messages
    assert "“企业名称” (column Q) repeats column “企业名称”" in messages
    assert all(p["row"] == 1 for p in job.errors)


def test_headers_in_english_and_values_by_code_or_english_name_are_accepted(cast, run_import):
    headers = [column.en for column in COLUMNS]
    rows = [
        good_row(
            1, region="Chaoyang", industry="machinery", scale="Small and micro", street="110105001"
        )
    ]

    run_import(cast.district, make_xlsx(rows, headers=headers))

    job = ImportJob.objects.get()
    assert (job.status, job.created_count) == ("validated", 1), job.errors


@pytest.mark.parametrize(
    "content",
    [
        b"name,uscc\nfoo,bar\n",  # CSV renamed to .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,  # old .xls (OLE)
        None,  # a zip, but no workbook
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(cast, client_for, english, content):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "hello")
        content = buffer.getvalue()
    response = client_for(cast.district).post(
        reverse("enterprises:import"), {"file": upload_file(content), "mode": "create"}
    )
    assert response.status_code == 200
    assert "This file is not an Excel workbook (.xlsx)" in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(ENTERPRISE_IMPORT_MAX_BYTES=2000)
def test_a_file_over_the_size_limit_is_refused(cast, client_for, english):
    content = make_xlsx([good_row(n) for n in range(200)])
    assert len(content) > 2000
    response = client_for(cast.district).post(
        reverse("enterprises:import"), {"file": upload_file(content), "mode": "create"}
    )
    assert response.status_code == 200
    assert "the limit is 2.0\xa0KB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_empty_file_is_a_problem(cast, run_import, english):
    run_import(cast.district, make_xlsx([]))
    job = ImportJob.objects.get()
    assert job.status == "failed_validation"
    assert "no enterprises below the header row" in job.errors[0]["message"]


# -- all or nothing ----------------------------------------------------------------------


def test_one_bad_row_stops_the_whole_file(cast, run_import, commit):
    rows = [good_row(1), good_row(2), good_row(3, employees="many"), good_row(4)]
    run_import(cast.district, make_xlsx(rows))
    job = ImportJob.objects.get()
    assert (job.status, problems_of(job)) == ("failed_validation", {(4, "从业人数")})

    response = commit(cast.district, job)

    assert response.status_code == 302
    assert job.status == "failed_validation"
    assert not Enterprise.objects.filter(uscc__in=[r["uscc"] for r in rows]).exists()


def test_a_change_in_the_registry_after_the_dry_run_stops_the_commit(cast, run_import, commit):
    rows = [good_row(1), good_row(2), good_row(3)]
    run_import(cast.district, make_xlsx(rows))
    job = ImportJob.objects.get()
    assert job.status == "validated"
    # Someone registers the third enterprise before the user commits.
    Enterprise.objects.create(name="抢先", uscc=rows[2]["uscc"], region=cast.chaoyang)

    commit(cast.district, job)

    assert job.status == "failed_validation"
    assert problems_of(job) == {(4, "统一社会信用代码")}
    assert not Enterprise.objects.filter(uscc__in=[rows[0]["uscc"], rows[1]["uscc"]]).exists()
    assert not AuditEvent.objects.filter(action="enterprise.import").exists()


def test_a_failure_while_writing_leaves_the_registry_untouched(
    cast, run_import, commit, monkeypatch
):
    rows = [good_row(1), good_row(2, uscc=cast.ent.uscc, name=cast.ent.name, employees=99)]
    run_import(cast.district, make_xlsx(rows), mode="update")
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.updated_count) == ("validated", 1, 1)

    def disk_full(rows):  # the updates come after the inserts
        raise DatabaseError("disk full")

    monkeypatch.setattr(service, "_update_rows", disk_full)
    commit(cast.district, job)

    assert job.status == "failed"
    assert "nothing was written" in job.errors[0]["message"]
    assert not Enterprise.objects.filter(uscc=rows[0]["uscc"]).exists()
    cast.ent.refresh_from_db()
    assert cast.ent.employees is None
    assert not AuditEvent.objects.filter(action="enterprise.import").exists()


def test_a_file_full_of_problems_lists_the_first_ones_and_counts_the_rest(
    cast, run_import, english, monkeypatch
):
    monkeypatch.setattr(service, "MAX_STORED_PROBLEMS", 3)
    run_import(cast.district, make_xlsx([good_row(n, employees="x") for n in range(1, 6)]))
    job = ImportJob.objects.get()
    assert job.error_count == 5
    assert [p["row"] for p in job.errors] == [2, 3, 4, None]
    assert "2 more problems are not listed" in job.errors[-1]["message"]


# -- enterprises already in the registry -------------------------------------------------


def test_existing_code_is_a_problem_when_the_user_asks_for_that(cast, run_import, english):
    rows = [good_row(1), good_row(2, uscc=cast.ent.uscc, employees=99)]
    run_import(cast.district, make_xlsx(rows), mode="create")
    job = ImportJob.objects.get()
    assert job.status == "failed_validation"
    assert f"Already in the registry as “{cast.ent.name}”" in message_for(
        job, 3, "统一社会信用代码"
    )
    cast.ent.refresh_from_db()
    assert cast.ent.employees is None


def test_existing_code_is_updated_when_the_user_asks_for_that(cast, run_import, commit):
    rows = [good_row(1), good_row(2, uscc=cast.ent.uscc, name=cast.ent.name, employees=99)]
    run_import(cast.district, make_xlsx(rows), mode="update")
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.updated_count) == ("validated", 1, 1)

    commit(cast.district, job)

    assert job.status == "done"
    cast.ent.refresh_from_db()
    assert (cast.ent.employees, cast.ent.address, cast.ent.account.pk) == (
        99,
        "朝阳区建国路2号",
        cast.enterprise.organisation_id,
    )
    assert AuditEvent.objects.get(action="enterprise.import").after["updated"] == 1


# -- scope -------------------------------------------------------------------------------


def test_a_district_imports_only_its_own_district(cast, run_import, english):
    rows = [good_row(1, region="海淀区", street=None)]
    run_import(cast.district, make_xlsx(rows))
    job = ImportJob.objects.get()
    assert "Haidian is not your district" in message_for(job, 2, "所属区")


def test_a_district_cannot_update_another_districts_enterprise(cast, run_import, english):
    other = cast.other_ent
    rows = [good_row(1, uscc=other.uscc, name="改名")]
    run_import(cast.district, make_xlsx(rows), mode="update")
    job = ImportJob.objects.get()
    assert job.status == "failed_validation"
    assert "registered in another district" in message_for(job, 2, "统一社会信用代码")
    other.refresh_from_db()
    assert other.name == "北京海淀商贸有限公司"


def test_the_city_office_imports_any_district(cast, run_import, commit):
    rows = [
        good_row(1, region="海淀区", street="万寿路街道"),
        good_row(2),
        good_row(
            3,
            uscc=cast.other_ent.uscc,
            name="北京海淀商贸有限公司（更名）",
            region="海淀区",
            street=None,
            industry="商贸",
        ),
    ]
    run_import(cast.city, make_xlsx(rows), mode="update")
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.updated_count) == ("validated", 2, 1), job.errors
    commit(cast.city, job)
    assert job.status == "done"
    cast.other_ent.refresh_from_db()
    assert cast.other_ent.name == "北京海淀商贸有限公司（更名）"


IMPORT_URLS = ["enterprises:import", "enterprises:import_template"]


@pytest.mark.parametrize("url", IMPORT_URLS)
@pytest.mark.parametrize(
    "who, status",
    [
        ("district", 200),
        ("district_staff", 200),
        ("city", 200),
        ("regulator", 403),
        ("association", 403),
        ("reviewer", 403),
        ("group", 403),
        ("enterprise", 403),
    ],
)
def test_import_pages_are_for_district_and_city_staff(cast, client_for, url, who, status):
    response = client_for(getattr(cast, who)).get(reverse(url))
    assert response.status_code == status


@pytest.mark.parametrize("url", IMPORT_URLS + ["enterprises:export"])
def test_import_pages_need_a_login(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_upload_by_a_regulator_is_refused_and_stores_nothing(cast, client_for):
    response = client_for(cast.regulator).post(
        reverse("enterprises:import"),
        {"file": upload_file(make_xlsx([good_row(1)])), "mode": "create"},
    )
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


@pytest.fixture
def chaoyang_job(cast, run_import):
    run_import(cast.district, make_xlsx([good_row(1)]))
    return ImportJob.objects.get()


@pytest.mark.parametrize(
    "who, status",
    [
        ("district", 200),
        ("district_staff", 200),
        ("city", 200),
        ("other_district", 404),
        ("regulator", 404),
        ("association", 404),
        ("reviewer", 404),
        ("group", 404),
        ("enterprise", 404),
    ],
)
def test_a_job_is_seen_by_its_organisation_and_the_city_office(
    cast, client_for, chaoyang_job, who, status
):
    response = client_for(getattr(cast, who)).get(
        reverse("enterprises:import_job", args=[chaoyang_job.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    "who, status",
    [
        ("city", 403),
        ("other_district", 404),
        ("regulator", 404),
        ("enterprise", 404),
    ],
)
def test_only_the_uploading_organisation_commits(cast, commit, chaoyang_job, who, status):
    response = commit(getattr(cast, who), chaoyang_job)
    assert response.status_code == status
    assert chaoyang_job.status == "validated"
    assert not Enterprise.objects.filter(uscc=good_row(1)["uscc"]).exists()


def test_commit_needs_post(cast, client_for, chaoyang_job):
    response = client_for(cast.district).get(
        reverse("enterprises:import_job_commit", args=[chaoyang_job.pk])
    )
    assert response.status_code == 405


def test_the_import_page_lists_only_its_organisations_jobs(cast, client_for, chaoyang_job):
    own = client_for(cast.district_staff).get(reverse("enterprises:import")).content.decode()
    other = client_for(cast.other_district).get(reverse("enterprises:import")).content.decode()
    url = reverse("enterprises:import_job", args=[chaoyang_job.pk])
    assert url in own
    assert url not in other


# -- progress ----------------------------------------------------------------------------


@override_settings(ENTERPRISE_IMPORT_PROGRESS_EVERY=2)
@pytest.mark.parametrize("write_only", [False, True])
def test_progress_is_saved_while_the_rows_are_checked(cast, run_import, write_only):
    seen = []

    def spy(sender, instance, update_fields=None, **kwargs):
        if update_fields and "rows_done" in update_fields:
            seen.append((instance.status, instance.rows_done, instance.total_rows))

    post_save.connect(spy, sender=ImportJob)
    try:
        run_import(
            cast.district, make_xlsx([good_row(n) for n in range(1, 6)], write_only=write_only)
        )
    finally:
        post_save.disconnect(spy, sender=ImportJob)

    job = ImportJob.objects.get()
    assert (job.rows_done, job.total_rows) == (5, 5)
    assert ("validating", 2, 5) in seen and ("validating", 4, 5) in seen
    assert seen[-1] == ("validated", 5, 5)


def test_a_running_job_page_polls_and_shows_rows_done_of_total(
    cast, client_for, english, django_capture_on_commit_callbacks
):
    client = client_for(cast.district)
    with django_capture_on_commit_callbacks(execute=False):  # no worker yet
        client.post(
            reverse("enterprises:import"),
            {"file": upload_file(make_xlsx([good_row(1)])), "mode": "create"},
        )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="validating", total_rows=400, rows_done=100)
    url = reverse("enterprises:import_job", args=[job.pk])

    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial
    assert "100 of 400 rows checked" in partial
    assert 'aria-valuenow="25"' in partial
    import_check_task.delay(job.pk)  # a queued job's task claims nothing once another did
    job.refresh_from_db()
    assert job.status == "validating"
    ImportJob.objects.filter(pk=job.pk).update(status="validated")
    assert "hx-trigger" not in client.get(url, headers={"HX-Request": "true"}).content.decode()


# -- a real worker -----------------------------------------------------------------------


@pytest.fixture
def celery_worker_app(tmp_path):
    """The project's Celery app, not eager, with a filesystem broker in a tmp
    directory unless CELERY_BROKER_URL points at a server (Redis in CI)."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_transport_options")}
    app.conf.task_always_eager = False
    if app.conf.broker_url.startswith("filesystem://"):
        folder = tmp_path / "broker"
        (folder / "processed").mkdir(parents=True)
        app.conf.broker_transport_options = {
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
            # kombu's default is ./control, in the working directory.
            "control_folder": str(folder / "control"),
        }
    _drop_broker_connections(app)  # made with the old options
    try:
        with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            yield app
    finally:
        for key, value in saved.items():
            app.conf[key] = value
        _drop_broker_connections(app)
        # The worker's start marks the process as running inside a worker, where a
        # task's .get() would block it, and nothing unmarks it: later tests of this
        # process that wait on an eager task's result would be refused.
        _set_task_join_will_block(False)


def _drop_broker_connections(app) -> None:
    # Celery keeps a connection pool and a producer pool per app; forgetting
    # them makes the next use build new ones from the current options, as
    # after a fork (Celery._after_fork does the same). They are not closed:
    # kombu's global pool registry would hand the closed pool out again.
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


def wait_for(job: ImportJob, statuses: set[str], timeout: float = 30) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job still {job.status} after {timeout} s")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_imports_the_file(celery_worker_app, client):
    from tests.cast import build_cast

    cast = build_cast()
    client.force_login(cast.district)
    rows = [good_row(n) for n in range(1, 31)]

    response = client.post(
        reverse("enterprises:import"), {"file": upload_file(make_xlsx(rows)), "mode": "create"}
    )
    assert response.status_code == 302
    job = wait_for(ImportJob.objects.get(), {"validated", "failed_validation", "failed"})
    assert (job.status, job.created_count, job.rows_done) == ("validated", 30, 30), job.errors

    client.post(reverse("enterprises:import_job_commit", args=[job.pk]))
    job = wait_for(job, {"done", "failed_validation", "failed"})

    assert job.status == "done", job.errors
    assert Enterprise.objects.filter(uscc__in=[r["uscc"] for r in rows]).count() == 30
    assert Industry.objects.get(code="machinery").enterprises.count() >= 31
