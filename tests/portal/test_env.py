import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("Yes", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env_int("X_INT", 1, minimum=1)


def test_env_list_refuses_empty_items(monkeypatch):
    monkeypatch.setenv("X_LIST", "a,,b")
    with pytest.raises(ImproperlyConfigured):
        env_list("X_LIST", [])


def _load_settings(env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_production_settings_require_a_secret_key():
    result = _load_settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    # A long key of one repeated character protects nothing: see test_production_settings.
    good = "Zq8-rT2_vY6pLm4Nc0xWb7Hs1Jd9Fk3Gu5Ae8Qo2Ri6Tl4Pw0Mn7Vb1Xc9Sd3Ky5"
    assert _load_settings({"DEBUG": "false", "SECRET_KEY": good}).returncode == 0


def test_a_bad_database_url_or_broker_does_not_pass_silently():
    result = _load_settings({"DEBUG": "true", "CACHE_URL": "memcached://x"})
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def _session_engine(env) -> str:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CACHE_URL")
    }
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.SESSION_ENGINE)"],
        cwd=ROOT,
        env={**clean, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sessions_are_read_from_the_cache_only_when_it_is_shared():
    """With Redis, a signed-in request reads its session from the cache; with each
    process's own memory, a session signed out in one would live on in the others."""
    shared = _session_engine({"CACHE_URL": "redis://127.0.0.1:6379/9"})
    assert shared == "django.contrib.sessions.backends.cached_db"
    assert _session_engine({}) == "django.contrib.sessions.backends.db"
