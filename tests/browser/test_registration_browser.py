"""An enterprise registers itself; its district approves or rejects the registration."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from enterprises.models import Enterprise
from enterprises.uscc import ALPHABET, make_uscc
from tests.cast import PASSWORD

VALID = make_uscc("110105", "MA0000999")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Registrations are counted per address in the cache the live server shares."""
    cache.clear()
    yield
    cache.clear()


def register(page, live_server, *, uscc, username, name, street=None):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/register/")
    form = page.locator("form:has([name=uscc])")
    form.locator("[name=uscc]").fill(uscc)
    form.locator("[name=name]").fill(name)
    form.locator("[name=region]").select_option("110105")
    if street is not None:
        form.locator("[name=street]").select_option(str(street.pk))
    form.locator("[name=contact_name]").fill("王建国")
    form.locator("[name=contact_phone]").fill("13800138000")
    form.locator("[name=email]").fill(f"{username}@example.cn")
    form.locator("[name=username]").fill(username)
    form.locator("[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("[type=submit], button:not([type])").first.click()
    return page


def field_error(page, name: str) -> str:
    """The text around a form field: its label, and its errors below it."""
    return page.locator(f"[name={name}]").locator("xpath=..").inner_text()


def registration_row(page, uscc):
    return page.locator(f"[data-testid=registration-row][data-uscc='{uscc}']")


def test_registration_with_wrong_check_character_names_the_expected_one(tcast, live_server, page):
    wrong = VALID[:17] + next(c for c in ALPHABET if c != VALID[17])

    register(page, live_server, uscc=wrong, username="reg-wrong", name="北京朝阳注册测试有限公司")

    assert page.url.startswith(f"{live_server.url}/accounts/register/")
    error = field_error(page, "uscc")
    assert f"“{VALID[17]}”" in error and f"“{wrong[17]}”" in error, error
    assert not Enterprise.objects.filter(uscc__in=[wrong, VALID]).exists()


def test_district_approves_a_registration(tcast, live_server, page, login):
    register(
        page,
        live_server,
        uscc=VALID,
        username="reg-approve",
        name="北京朝阳注册测试有限公司",
        street=tcast.chaoyang_street,
    )

    assert page.url == f"{live_server.url}/"
    status = page.locator("[data-testid=registration-status]")
    assert status.get_attribute("data-status") == "pending"
    # Nothing in the registry until the district approves.
    assert not Enterprise.objects.filter(uscc=VALID).exists()

    login(tcast.district.username)
    page.goto(f"{live_server.url}/enterprises/registrations/")
    row = registration_row(page, VALID)
    assert "北京朝阳注册测试有限公司" in row.inner_text()
    assert row.get_attribute("data-dispute") == "no"
    with page.expect_navigation():
        row.locator("button[name=decision][value=approve]").click()
    assert registration_row(page, VALID).count() == 0  # no longer pending
    enterprise = Enterprise.objects.get(uscc=VALID)
    assert enterprise.status == Enterprise.Status.ACTIVE

    login("reg-approve")
    assert page.url == f"{live_server.url}/"
    assert page.locator("[data-testid=registration-status]").count() == 0
    assert "北京朝阳注册测试有限公司" in page.locator("[data-testid=whoami]").inner_text()
    assert page.locator("[data-testid=nav] a[href='/enterprises/mine/']").count() == 1


def test_district_rejects_a_registration_with_a_reason(tcast, live_server, page, login):
    uscc = make_uscc("110105", "MA0000998")
    register(page, live_server, uscc=uscc, username="reg-reject", name="北京朝阳驳回测试有限公司")

    login(tcast.district.username)
    page.goto(f"{live_server.url}/enterprises/registrations/")
    row = registration_row(page, uscc)
    row.locator("[name=reason]").fill("营业执照照片不清晰，请重新提交")
    with page.expect_navigation():
        row.locator("button[name=decision][value=reject]").click()
    assert registration_row(page, uscc).count() == 0

    login("reg-reject")
    status = page.locator("[data-testid=registration-status]")
    assert status.get_attribute("data-status") == "rejected"
    assert "营业执照照片不清晰，请重新提交" in status.inner_text()
    assert page.locator("[data-testid=nav] a[href='/enterprises/mine/']").count() == 0


def test_a_claim_on_a_registry_entry_shows_the_district_what_would_change(
    tcast, live_server, page, login
):
    known = Enterprise.objects.create(
        name="北京朝阳原登记名称有限公司",
        uscc=VALID,
        region=tcast.chaoyang,
        contact_name="原联系人",
        contact_phone="010-80000000",
    )
    register(page, live_server, uscc=VALID, username="reg-known", name="北京朝阳注册测试有限公司")
    known.refresh_from_db()
    assert (known.name, known.account) == ("北京朝阳原登记名称有限公司", None)

    login(tcast.district.username)
    page.goto(f"{live_server.url}/enterprises/registrations/")
    differences = registration_row(page, VALID).locator("[data-testid=differences]")
    text = differences.inner_text()
    assert "北京朝阳原登记名称有限公司" in text and "北京朝阳注册测试有限公司" in text
    assert "010-80000000" in text and "13800138000" in text
    with page.expect_navigation():
        registration_row(page, VALID).locator("button[name=decision][value=approve]").click()
    known.refresh_from_db()
    assert known.name == "北京朝阳注册测试有限公司"
    assert known.account.users.get().username == "reg-known"


def test_a_claim_on_an_enterprise_with_an_account_is_shown_as_a_dispute(
    tcast, live_server, page, login
):
    register(page, live_server, uscc=tcast.ent.uscc, username="reg-dispute", name=tcast.ent.name)
    assert page.url == f"{live_server.url}/"
    assert (
        page.locator("[data-testid=registration-status]").get_attribute("data-status") == "pending"
    )

    login(tcast.district.username)
    page.goto(f"{live_server.url}/enterprises/registrations/")
    row = registration_row(page, tcast.ent.uscc)
    assert row.get_attribute("data-dispute") == "yes"
    assert row.locator("[data-testid=dispute]").is_visible()
    assert row.locator("button[name=decision][value=approve]").count() == 0
    row.locator("[name=reason]").fill("该企业已有账户，请联系其管理员")
    with page.expect_navigation():
        row.locator("button[name=decision][value=reject]").click()
    assert registration_row(page, tcast.ent.uscc).count() == 0
    tcast.ent.refresh_from_db()
    assert tcast.ent.account_id == tcast.enterprise.organisation_id
