"""Streets and towns: the shipped CSV and the load_streets command."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from portal.management.streets import DEFAULT_PATH
from portal.models import AuditEvent, Region, Street
from portal.reference import DISTRICTS

HEADER = "region_code,code,name,name_en,kind\n"


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English, whatever translations exist."""
    with translation.override("en"):
        yield


def write(tmp_path, text, name="streets.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path):
    out, err = StringIO(), StringIO()
    call_command("load_streets", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_shipped_file_covers_every_district_with_unique_valid_codes():
    with open(DEFAULT_PATH, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    per_region = {}
    for row in rows:
        per_region.setdefault(row["region_code"], []).append(row)
        assert row["code"].startswith(row["region_code"]) and len(row["code"]) == 9
        assert row["kind"] in Street.Kind.values
        assert row["name"] and row["name_en"]
    assert set(per_region) == {code for code, *_rest in DISTRICTS}
    assert all(len(streets) >= 6 for streets in per_region.values())
    assert len(per_region["110105"]) >= 40  # 朝阳区 has over forty
    assert len({row["code"] for row in rows}) == len(rows)
    chaoyang = {row["name"]: row for row in per_region["110105"]}
    assert chaoyang["望京街道"]["name_en"] == "Wangjing Subdistrict"
    assert chaoyang["金盏地区"]["kind"] == "area"


@pytest.mark.django_db
def test_loading_the_shipped_file_is_idempotent():
    out, _err = load(DEFAULT_PATH)
    total = Street.objects.count()
    assert total >= 17 * 6
    assert f"{total} created" in out
    assert set(Street.objects.values_list("region_id", flat=True)) == set(
        Region.objects.values_list("code", flat=True)
    )
    assert AuditEvent.objects.filter(action="street.create").count() == total
    events = AuditEvent.objects.count()

    out, _err = load(DEFAULT_PATH)
    assert "0 created, 0 updated" in out
    assert Street.objects.count() == total
    assert AuditEvent.objects.count() == events
    assert Street.objects.get(region_id="110105", name="望京街道").kind == "subdistrict"


@pytest.mark.django_db
def test_a_changed_row_updates_the_street_by_code(tmp_path):
    load(
        write(
            tmp_path,
            HEADER + "110105,110105001,建外街道,Jianwai,subdistrict\n"
            "110105,110105002,朝外街道,Chaowai,subdistrict\n",
        )
    )
    # Two streets swap names: allowed, because each code stays unique.
    out, _err = load(
        write(
            tmp_path,
            HEADER + "110105,110105001,朝外街道,Chaowai,subdistrict\n"
            "110105,110105002,建外街道,Jianwai,subdistrict\n",
        )
    )
    assert "2 updated" in out
    assert Street.objects.get(code="110105001").name == "朝外街道"
    assert Street.objects.get(code="110105002").name == "建外街道"
    event = AuditEvent.objects.filter(action="street.update").first()
    assert event.after["name"] in {"朝外街道", "建外街道"}


@pytest.mark.django_db
def test_a_file_with_errors_lists_every_problem_by_row_and_changes_nothing(tmp_path):
    Street.objects.create(
        region_id="110108", code="110108001", name="万寿路街道", kind="subdistrict"
    )
    path = write(
        tmp_path,
        HEADER
        + "\n".join(
            [
                "110105,110105001,建外街道,Jianwai Subdistrict,subdistrict",  # row 2: fine
                "110199,110199001,不存在街道,,subdistrict",  # row 3: unknown district
                "110105,110105003,朝外街道,,village",  # row 4: bad kind
                "110105,110105001,呼家楼街道,,subdistrict",  # row 5: duplicate code
                "110105,110105006,,,subdistrict",  # row 6: no name
                "110105,12345,三里屯街道,,subdistrict",  # row 7: malformed code
                "110108,110108009,万寿路街道,,subdistrict",  # row 8: name taken in the database
            ]
        )
        + "\n",
    )
    with pytest.raises(CommandError, match="6 problem"):
        call_command("load_streets", str(path), stdout=StringIO(), stderr=(err := StringIO()))
    problems = err.getvalue()
    assert "Row 3: region_code “110199” is not a known district." in problems
    assert "Row 4: kind “village”" in problems
    assert "Row 5: code 110105001 is already used in row 2." in problems
    assert "Row 6: name is empty." in problems
    assert "Row 7: code “12345” must be 9 digits" in problems
    assert "Row 8: “万寿路街道” already exists in this district with code 110108001." in problems
    assert "Row 2" not in problems
    assert Street.objects.count() == 1  # the good row was not imported either


@pytest.mark.django_db
def test_a_file_without_the_columns_or_missing_is_refused(tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "load_streets",
            str(write(tmp_path, "district,name\n110105,建外街道\n")),
            stdout=StringIO(),
            stderr=(err := StringIO()),
        )
    assert "lacks the column(s) region_code, code, kind" in err.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "load_streets",
            str(tmp_path / "nope.csv"),
            stdout=StringIO(),
            stderr=(err := StringIO()),
        )
    assert "File not found" in err.getvalue()
    assert Street.objects.count() == 0
