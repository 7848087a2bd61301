"""How the suite gets its test databases (tests/db_template.py) and orders its tests
(tests/conftest.py): a template is rebuilt exactly when the code the migrations run
changes, and the tests after a transactional one find the migrated data again."""

from __future__ import annotations

import pytest

from portal.models import Industry, Region
from tests import db_template


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "portal" / "migrations").mkdir(parents=True)
    (tmp_path / "portal" / "templates").mkdir()
    (tmp_path / "portal" / "migrations" / "0001_initial.py").write_text("first")
    (tmp_path / "portal" / "templates" / "page.html").write_text("<p>")
    monkeypatch.setattr(db_template, "ROOT", tmp_path)
    return tmp_path


def test_a_changed_migration_or_module_names_another_template(tree):
    key = db_template.code_key()
    (tree / "portal" / "migrations" / "0001_initial.py").write_text("second")
    changed_migration = db_template.code_key()
    (tree / "portal" / "models.py").write_text("class Thing: ...")
    new_module = db_template.code_key()

    assert len({key, changed_migration, new_module}) == 3


def test_a_changed_page_template_keeps_the_database_template(tree):
    key = db_template.code_key()
    (tree / "portal" / "templates" / "page.html").write_text("<p>changed")

    assert db_template.code_key() == key


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_runs_on_the_migrated_districts():
    Region.objects.all().delete()  # flushed at its end anyway

    assert not Region.objects.exists()


def test_the_next_test_finds_the_migrated_districts_again(django_db_setup, django_db_blocker):
    # Without the db fixture pytest-django sorts it after the transactional test above,
    # which has flushed every table by then.
    with django_db_blocker.unblock():
        assert Region.objects.exists() and Industry.objects.exists()


def test_the_browser_tests_are_ordered_first(request):
    from tests.conftest import _drives_a_browser

    kinds = [_drives_a_browser(item) for item in request.session.items]
    assert kinds == sorted(kinds, reverse=True)
