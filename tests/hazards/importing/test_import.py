"""The Excel import of an existing ledger: the template reads back, a dry run writes
nothing, one bad row imports nothing, each problem names its row and column in the
user's language, a closed row is recorded and closed with one audit row each, and
files that are not workbooks are refused."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from hazards.importing.columns import COLUMNS
from hazards.models import Hazard, HazardEvent
from portal.models import AuditEvent, Notification

TODAY = timezone.localdate()
FOUND = (TODAY - datetime.timedelta(days=40)).isoformat()
DUE = (TODAY + datetime.timedelta(days=20)).isoformat()


def row(**overrides) -> dict:
    values = {
        "found_on": FOUND,
        "source": "自查",
        "location": "一号车间",
        "description": "防护罩缺失。",
        "category": "现场管理类",
        "grade": "一般",
        "deadline": DUE,
        "status": "未销号",
    }
    values.update(overrides)
    return values


def workbook(*rows: dict, english: bool = False) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append([column.en if english else column.zh for column in COLUMNS])
    for values in rows:
        sheet.append([values.get(column.key) for column in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "ledger.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def written() -> tuple[int, int, int, int]:
    return (
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        AuditEvent.objects.count(),
        Notification.objects.count(),
    )


def post(client, upload, go: str = "check", **extra):
    return client.post(reverse("hazards:importing:import"), {"file": upload, "go": go, **extra})


def test_the_template_has_the_columns_and_the_valid_values(cast, client_for):
    response = client_for(cast.enterprise).get(reverse("hazards:importing:template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers == [column.zh for column in COLUMNS]
    assert len(book.worksheets) == 2


def test_a_dry_run_writes_nothing(cast, client_for):
    before = written()
    response = post(client_for(cast.enterprise), workbook(row(), row(location="二号车间")))
    assert response.status_code == 200
    assert 'data-testid="check-ok"' in response.content.decode()
    assert written() == before


def test_the_import_records_every_row_and_closes_the_closed_ones(cast, client_for):
    closed_on = (TODAY - datetime.timedelta(days=5)).isoformat()
    before = AuditEvent.objects.count()
    response = post(
        client_for(cast.enterprise),
        workbook(row(), row(location="仓库", status="已销号", closed_on=closed_on)),
        go="import",
    )
    assert response.status_code == 302
    open_row, closed_row = Hazard.objects.order_by("pk")
    assert open_row.status == Hazard.Status.PENDING
    assert closed_row.status == Hazard.Status.CLOSED
    assert closed_row.closed_on.isoformat() == closed_on
    assert closed_row.events.last().move == "import_closed"
    # one audit row per row recorded, one more for the row closed
    assert AuditEvent.objects.count() - before == 3


def test_one_bad_row_imports_nothing_and_each_problem_names_row_and_column(cast, client_for):
    client = client_for(cast.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    before = written()
    response = post(
        client,
        workbook(
            row(),
            row(found_on="2026-13-40"),
            row(deadline=(TODAY - datetime.timedelta(days=400)).isoformat()),
            row(grade="重大"),
            row(status="已销号"),
            english=True,
        ),
        go="import",
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert written() == before
    assert "is not a date" in text
    assert "cannot be before the day the hazard was found" in text
    assert "needs its basis" in text
    assert "needs the day it was closed" in text
    assert text.count('data-testid="problem"') == 4
    assert "<td>3</td><td>Found on</td>" in text  # row 3 of the sheet (row 2 is fine)


def test_problems_name_the_columns_in_chinese_by_default(cast, client_for):
    response = post(client_for(cast.enterprise), workbook(row(category="其它")))
    assert response.status_code == 400
    assert "<td>2</td><td>隐患类别</td>" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [("ledger.xlsx", b"not a workbook"), ("ledger.csv", b"a,b\n1,2\n")],
)
def test_a_file_that_is_not_a_workbook_is_refused(cast, client_for, name, content):
    before = written()
    response = post(client_for(cast.enterprise), SimpleUploadedFile(name, content), go="import")
    assert response.status_code == 400
    assert written() == before


def test_a_file_over_the_size_or_row_limit_is_refused(cast, client_for, settings):
    settings.HAZARD_IMPORT_MAX_ROWS = 2
    response = post(client_for(cast.enterprise), workbook(row(), row(), row()), go="import")
    assert response.status_code == 400
    assert Hazard.objects.count() == 0
    settings.HAZARD_IMPORT_MAX_BYTES = 100
    response = post(client_for(cast.enterprise), workbook(row()), go="import")
    assert response.status_code == 400
    assert Hazard.objects.count() == 0


def test_the_district_imports_for_an_enterprise_it_chooses(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.district)
    assert client.get(reverse("hazards:importing:import")).status_code == 200  # the choice
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, workbook(row(), row()), go="import", enterprise=cast.ent.pk)
    assert response.status_code == 302
    assert {h.enterprise for h in Hazard.objects.all()} == {cast.ent}
    # the enterprise hears of it once, not once a row
    assert Notification.objects.filter(recipient=cast.enterprise).count() == 1


@pytest.mark.parametrize("who", ["street", "regulator", "city", "other_district"])
def test_offices_that_do_not_record_for_it_cannot_import(cast, client_for, who):
    client = client_for(getattr(cast, who))
    response = post(client, workbook(row()), go="import", enterprise=cast.ent.pk)
    assert response.status_code in (403, 200)  # 200: the choice, without the enterprise
    assert Hazard.objects.count() == 0


def test_the_api_checks_and_imports(cast, client_for):
    client = client_for(cast.enterprise)
    check = client.post(reverse("api-hazard-import-check"), {"file": workbook(row(grade="x"))})
    assert check.status_code == 200
    problem = check.json()["problems"][0]
    assert problem["row"] == 2 and problem["column"] == "隐患级别"
    assert Hazard.objects.count() == 0
    created = client.post(reverse("api-hazard-import-list"), {"file": workbook(row())})
    assert created.status_code == 201
    assert created.json()["created"] == 1
    assert Hazard.objects.count() == 1
    outsider = client_for(cast.other_enterprise).post(
        reverse("api-hazard-import-list"), {"file": workbook(row()), "enterprise": cast.ent.pk}
    )
    assert outsider.status_code == 400  # not in its scope
    assert Hazard.objects.count() == 1
