"""The major-hazard catalogues (重大事故隐患判定标准): loading, pages, API, items_for."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from hazards.catalogue_io import (
    CatalogueFileError,
    load_catalogue,
    parse_catalogue_file,
    shipped_files,
)
from hazards.models import CatalogueItem, CatalogueVersion, HazardCatalogue
from hazards.selectors import items_for
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db

GONGMAO = Path(__file__).resolve().parents[2] / "hazards" / "catalogues" / "gongmao-2023.yaml"


def small(**overrides):
    data = {
        "code": "test-cat",
        "name": "测试判定标准",
        "sector": "工贸",
        "industries": ["machinery"],
        "version": "2023",
        "source": "测试令第1号",
        "effective_date": "2023-05-15",
        "counts": {"管理类": 1, "专项类": 1},
        "items": [
            {"code": "3.1", "group": "管理类", "text": "情形一"},
            {"code": "11.1", "group": "专项类", "section": "粉尘爆炸", "text": "情形二"},
        ],
    }
    data.update(overrides)
    return data


def as_file(tmp_path, data, name="cat.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def load(path):
    parsed = parse_catalogue_file(filename=str(path), content=path.read_bytes())
    return load_catalogue(parsed)


def test_shipped_files_load_and_counts_match_the_header():
    assert GONGMAO in shipped_files()
    out = StringIO()
    call_command("load_hazard_catalogues", stdout=out)
    header = yaml.safe_load(GONGMAO.read_text(encoding="utf-8"))
    version = CatalogueVersion.objects.get(catalogue__code="gongmao", version="2023")
    assert version.status == CatalogueVersion.Status.PUBLISHED
    assert str(version.effective_date) == "2023-05-15"
    assert version.source == "应急管理部令第10号"
    for group, count in header["counts"].items():
        assert version.items.filter(group=group).count() == count
        assert count <= header["regulation_counts"][group]
    assert header["regulation_counts"] == {"管理类": 3, "行业类": 47, "专项类": 14}
    assert version.items.filter(group="管理类").count() == 3
    industries = set(version.catalogue.industries.values_list("code", flat=True))
    assert {"metallurgy", "machinery", "commerce"} <= industries
    assert version.items.get(code="3.2").text.startswith("特种作业人员未按照规定")


def test_loading_the_same_file_again_changes_nothing(tmp_path):
    path = as_file(tmp_path, small())
    first = load(path)
    assert first.action == "created"
    events = AuditEvent.objects.count()
    loaded_at = CatalogueVersion.objects.get().loaded_at
    again = load(path)
    assert again.action == "unchanged"
    assert AuditEvent.objects.count() == events
    assert CatalogueVersion.objects.get().loaded_at == loaded_at
    assert CatalogueItem.objects.count() == 2
    out = StringIO()
    call_command("load_hazard_catalogues", str(path), stdout=out)
    assert "0 changed" in out.getvalue()


def test_a_bad_file_is_refused_naming_the_item_and_changes_nothing(tmp_path):
    load(as_file(tmp_path, small()))
    bad = small(version="2024")
    bad["items"][1]["text"] = ""
    path = as_file(tmp_path, bad, "bad.yaml")
    with pytest.raises(CatalogueFileError) as refused:
        parse_catalogue_file(filename=str(path), content=path.read_bytes())
    assert any("bad.yaml" in p and "items[1] (11.1).text" in p for p in refused.value.problems)
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_hazard_catalogues", str(path), stderr=err)
    assert "items[1] (11.1)" in err.getvalue()
    assert list(CatalogueVersion.objects.values_list("version", flat=True)) == ["2023"]


def test_duplicate_codes_and_wrong_counts_and_unknown_industries_are_refused(tmp_path):
    data = small(industries=["no-such-industry"], counts={"管理类": 2, "专项类": 1})
    data["items"][1]["code"] = "3.1"
    path = as_file(tmp_path, data)
    with pytest.raises(CatalogueFileError) as refused:
        parse_catalogue_file(filename=str(path), content=path.read_bytes())
    text = "\n".join(refused.value.problems)
    assert "items[1]" in text and "3.1" in text  # the item, named in the user's language
    assert "counts" in text
    assert "no-such-industry" in text
    assert not HazardCatalogue.objects.exists()


def test_a_new_version_retires_the_old_one(tmp_path):
    load(as_file(tmp_path, small()))
    newer = small(version="2025", effective_date="2025-01-01")
    result = load(as_file(tmp_path, newer, "new.yaml"))
    assert result.retired == 1
    statuses = dict(CatalogueVersion.objects.values_list("version", "status"))
    assert statuses == {"2023": "retired", "2025": "published"}
    # Loading the older edition again does not bring it back into force.
    older = load(as_file(tmp_path, small(), "cat.yaml"))
    assert older.action == "unchanged"
    assert CatalogueVersion.objects.get(version="2023").status == "retired"


def test_a_changed_file_updates_the_items_in_place(tmp_path):
    load(as_file(tmp_path, small()))
    item = CatalogueItem.objects.get(code="3.1")
    changed = small()
    changed["items"][0]["text"] = "情形一（更正）"
    result = load(as_file(tmp_path, changed))
    assert result.action == "updated"
    item.refresh_from_db()
    assert item.text == "情形一（更正）"


def test_items_for_picks_the_catalogues_of_the_enterprise_industry(cast, tmp_path):
    load(as_file(tmp_path, small(code="machinery-cat", industries=["machinery"]), "a.yaml"))
    load(as_file(tmp_path, small(code="commerce-cat", industries=["commerce"]), "b.yaml"))
    load(as_file(tmp_path, small(code="all-cat", industries=[]), "c.yaml"))
    load(as_file(tmp_path, small(code="old-cat", industries=[]), "d.yaml"))
    load(
        as_file(
            tmp_path,
            small(code="old-cat", industries=[], version="2", effective_date="2024-01-01"),
            "e.yaml",
        )
    )
    picked = items_for(cast.ent)  # a machinery enterprise
    catalogues = {(i.version.catalogue.code, i.version.version) for i in picked}
    assert catalogues == {("machinery-cat", "2023"), ("all-cat", "2023"), ("old-cat", "2")}
    assert picked.count() == 6
    other = {i.version.catalogue.code for i in items_for(cast.other_ent)}  # commerce
    assert other == {"commerce-cat", "all-cat", "old-cat"}


def test_pages_for_a_logged_in_user(cast, client_for, tmp_path):
    call_command("load_hazard_catalogues", stdout=StringIO())
    version = CatalogueVersion.objects.get(catalogue__code="gongmao")
    client = client_for(cast.enterprise)
    listing = client.get(reverse("hazards:catalogues"))
    assert listing.status_code == 200
    assert "工贸企业重大事故隐患判定标准" in listing.content.decode()
    url = reverse("hazards:catalogue_version", args=[version.pk])
    page = client.get(url).content.decode()
    assert 'data-code="3.1"' in page and 'data-code="11.1"' in page
    dust = client.get(url, {"group": "专项类", "section": "粉尘爆炸"}).content.decode()
    assert 'data-code="11.1"' in dust and 'data-code="3.1"' not in dust
    found = client.get(url, {"q": "液氨"}).content.decode()
    assert 'data-code="12.1"' not in found  # "液氨" is in the section, not the text
    found = client.get(url, {"q": "氨直接蒸发"}).content.decode()
    assert 'data-code="12.1"' in found and 'data-code="3.1"' not in found


def test_pages_send_anonymous_users_to_the_login(client):
    response = client.get(reverse("hazards:catalogues"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_api_lists_catalogues_and_items_with_filters(cast, client_for):
    call_command("load_hazard_catalogues", stdout=StringIO())
    client = client_for(cast.enterprise)
    catalogues = client.get("/api/v1/hazard-catalogues/").json()
    gongmao = next(c for c in catalogues["results"] if c["code"] == "gongmao")
    assert gongmao["versions"][0]["status"] == "published"
    assert gongmao["versions"][0]["item_count"] == CatalogueItem.objects.count()
    items = client.get("/api/v1/hazard-catalogue-items/", {"group": "管理类"}).json()
    assert items["count"] == 3
    assert [i["code"] for i in items["results"]] == ["3.1", "3.2", "3.3"]
    paged = client.get("/api/v1/hazard-catalogue-items/", {"page_size": 5}).json()
    assert len(paged["results"]) == 5 and paged["next"]
    searched = client.get("/api/v1/hazard-catalogue-items/", {"q": "粉尘"}).json()
    assert searched["count"] >= 1
    assert all(i["section"] == "粉尘爆炸" for i in searched["results"])
    picker = client.get("/api/v1/hazard-catalogue-items/", {"enterprise": cast.ent.pk}).json()
    assert picker["count"] == CatalogueItem.objects.count()
    # Another district's enterprise is not visible to this enterprise: 404, no items.
    hidden = client.get("/api/v1/hazard-catalogue-items/", {"enterprise": cast.other_ent.pk})
    assert hidden.status_code == 404


def test_api_refuses_anonymous_users(client):
    assert client.get("/api/v1/hazard-catalogues/").status_code == 401
    assert client.get("/api/v1/hazard-catalogue-items/").status_code == 401


def test_the_shipped_gongmao_file_loads_once_and_says_what_it_lacks():
    header = yaml.safe_load(GONGMAO.read_text(encoding="utf-8"))
    first = StringIO()
    call_command("load_hazard_catalogues", str(GONGMAO), stdout=first)
    version = CatalogueVersion.objects.get(catalogue__code="gongmao", version="2023")
    items = {item.code: item for item in version.items.all()}
    assert len(items) == sum(header["counts"].values()) == 30
    # Still incomplete: fewer items than the regulation's 64, and the file says so.
    assert header["complete"] is False and len(items) < sum(header["regulation_counts"].values())
    assert items["4.4"].text.startswith("转炉、电弧炉、AOD炉")
    assert (items["10.1"].section, items["10.2"].group) == ("烟草", "行业类")
    assert "磷化氢" in items["10.1"].text
    events = AuditEvent.objects.count()
    again = StringIO()
    call_command("load_hazard_catalogues", str(GONGMAO), stdout=again)
    assert "0 changed" in again.getvalue()
    assert AuditEvent.objects.count() == events
    assert CatalogueItem.objects.filter(version=version).count() == 30
