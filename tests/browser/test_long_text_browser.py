"""Long unbroken text that users type (a pasted URL or code in a reason, a long name)
wraps or scrolls inside its table: the page never scrolls sideways, on a tablet (768 px,
the review units' device) or a laptop."""

from __future__ import annotations

import pytest

from certification.applications import services
from portal.models import Organisation, OrganisationKind
from tests.certification.factories import make_tiered_version, submitted_application

LONG = "https://example.cn/" + "0" * 400


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [768, 1280])
def test_long_text_does_not_push_the_page_sideways(
    tcast, login, live_server, width, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    application = submitted_application(tcast, make_tiered_version())
    services.application_withdraw(actor=tcast.enterprise, application=application, comment=LONG)
    Organisation.objects.create(name="评审中心" + "0" * 120, kind=OrganisationKind.REVIEW_UNIT)

    page = login(tcast.enterprise.username)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    assert LONG in page.locator("main").inner_text()
    assert sideways(page) <= 0

    page = login(tcast.city.username)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/organisations/")
    assert sideways(page) <= 0
