"""The Chinese strings waiting in locale/zh_Hans/LC_MESSAGES/parts/*.po, for tests,
before the parts are merged into django.po: compiled with msgfmt and added under
the compiled catalogue (what django.mo already has wins). Once merged, this adds
nothing."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation import trans_real

PARTS = Path(__file__).resolve().parents[2] / "locale/zh_Hans/LC_MESSAGES/parts"


@pytest.fixture(scope="session")
def parts_catalogue(tmp_path_factory):
    found = sorted(PARTS.glob("*.po"))
    if not found:
        return
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt is missing: apt-get install gettext", pytrace=False)
    folder = tmp_path_factory.mktemp("parts")
    catalogue = trans_real.translation("zh-hans")
    known = set(catalogue._catalog.keys())
    for po in found:
        compiled = folder / f"{po.stem}.mo"
        subprocess.run([msgfmt, "-c", "-o", str(compiled), str(po)], check=True)
        with compiled.open("rb") as handle:
            part = gettext.GNUTranslations(handle)
        part._catalog = {key: text for key, text in part._catalog.items() if key not in known}
        known |= set(part._catalog)
        catalogue.merge(part)
