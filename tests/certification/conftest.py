"""Fixtures of the on-site tests (test_onsite.py, test_onsite_sheet_html.py,
test_findings_page.py): a tiered standard version and an application of cast.ent in
on-site review. Modules that define their own of the same name keep theirs."""

from __future__ import annotations

import pytest

from tests.certification.factories import application_in_review, make_tiered_version


@pytest.fixture
def version(db):
    return make_tiered_version()


@pytest.fixture
def in_review(cast, version):
    return application_in_review(cast, version)
