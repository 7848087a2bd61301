"""The Chinese strings of the certification pages' daily-work fixes
(locale/zh_Hans/LC_MESSAGES/parts/daily-work-fixups.po) for tests, before the part
is merged into django.po: compiled with msgfmt and added under the compiled
catalog, like tests/portal/officials_part.py. Once merged, this adds nothing."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation import trans_real

PART = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/parts/daily-work-fixups.po"


@pytest.fixture(scope="session")
def daily_work_part(tmp_path_factory):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is missing: apt-get install gettext", pytrace=False)
    compiled = tmp_path_factory.mktemp("daily-work") / "daily-work.mo"
    subprocess.run([msgfmt, "-c", "-o", str(compiled), str(PART)], check=True)
    with compiled.open("rb") as handle:
        part = gettext.GNUTranslations(handle)
    catalog = trans_real.translation("zh-hans")
    known = set(catalog._catalog.keys())
    # Only what the compiled catalog lacks: the merged strings win.
    part._catalog = {key: value for key, value in part._catalog.items() if key not in known}
    catalog.merge(part)
