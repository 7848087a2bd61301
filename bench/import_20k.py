"""Benchmark: check and import a 20,000-row enterprise workbook.

    .venv/bin/python bench/import_20k.py                  # a fresh SQLite file in /tmp
    createdb -h 127.0.0.1 -U postgres bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \
        .venv/bin/python bench/import_20k.py

It generates the workbook (valid USCCs from enterprises.uscc.make_uscc), then
times, through the same services the pages and the Celery tasks use:
1. the dry run of new enterprises, 2. their commit, 3. a dry run of the same
file in "update" mode (everything unchanged), 4. the commit of a file in
which every row changed (bulk updates), 5. the export of those enterprises.
Celery runs eagerly, in this process. Prints figures; asserts nothing but
the counts.
"""

from __future__ import annotations

import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "20000"))
BASE = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="bench-import-"))

sys.path.insert(0, str(BASE))
# DEBUG off, as on a real worker: with it on, Django keeps every query's SQL.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(WORK / "media")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from enterprises.exporting import export_enterprises  # noqa: E402
from enterprises.importing.columns import COLUMNS  # noqa: E402
from enterprises.importing.requests import import_job_commit, import_job_create  # noqa: E402
from enterprises.models import Enterprise, ImportJob  # noqa: E402
from enterprises.uscc import make_uscc  # noqa: E402
from portal.models import (  # noqa: E402
    Industry,
    Organisation,
    OrganisationKind,
    Region,
    Street,
    User,
)

SCALES = ["规模以上", "规模以下", "小微"]


def setup() -> User:
    call_command("migrate", verbosity=0)
    org, _ = Organisation.objects.get_or_create(
        name="基准测试市安委办", defaults={"kind": OrganisationKind.CITY_OFFICE}
    )
    user = User.objects.filter(username="bench-import").first()
    if user is None:
        user = User.objects.create_user("bench-import", organisation=org, role=User.Role.STAFF)
    Organisation.objects.get_or_create(
        name="基准测试集团", defaults={"kind": OrganisationKind.GROUP}
    )
    for region in Region.objects.all():
        for n in range(1, 4):
            Street.objects.get_or_create(
                region=region,
                name=f"基准街道{n}",
                defaults={"code": f"{region.code}9{n:02d}", "kind": Street.Kind.SUBDISTRICT},
            )
    return user


def generate(path: Path, *, variant: int = 0) -> list[str]:
    regions = list(Region.objects.all())
    industries = list(Industry.objects.all())
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业")
    sheet.append([column.zh for column in COLUMNS])
    codes = []
    for i in range(ROWS):
        region = regions[i % len(regions)]
        industry = industries[i % len(industries)]
        code = make_uscc(region.code, f"BN{i:07d}")
        codes.append(code)
        licence = f"(京)安许证字[2024]{i:06d}" if industry.requires_safety_licence else None
        sheet.append(
            [
                f"北京基准测试企业{i:05d}有限公司",
                code,
                region.name,
                f"基准街道{i % 3 + 1}",
                f"{region.name}测试路{i}号",
                industry.name,
                SCALES[i % 3],
                10 + i % 500 + variant,
                round(100 + i * 1.25, 2),
                "张三",
                "李四",
                "王五",
                f"1380013{i % 10000:04d}",
                "基准测试集团" if i % 10 == 0 else None,
                licence,
                "2027-06-30" if licence else None,
            ]
        )
    workbook.save(path)
    return codes


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {elapsed:8.2f} s   {ROWS / elapsed:9,.0f} rows/s")
    return result


def run(user: User, path: Path, mode: str) -> ImportJob:
    with path.open("rb") as fileobj:
        upload = File(fileobj, name=path.name)
        job = import_job_create(actor=user, upload=upload, mode=mode)
    return ImportJob.objects.get(pk=job.pk)


def commit(user: User, job: ImportJob) -> ImportJob:
    import_job_commit(actor=user, job=job)
    return ImportJob.objects.get(pk=job.pk)


def main() -> None:
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), rows: {ROWS:,}")
    user = setup()
    first, second = WORK / "enterprises.xlsx", WORK / "enterprises-changed.xlsx"
    codes = timed("generate the workbook", lambda: generate(first))
    generate(second, variant=1)
    print(f"workbook size: {first.stat().st_size / 1024 / 1024:.1f} MB")
    for start in range(0, len(codes), 1000):  # a previous run's enterprises
        Enterprise.objects.filter(uscc__in=codes[start : start + 1000]).delete()

    job = timed("1. dry run, new enterprises", lambda: run(user, first, "create"))
    assert (job.status, job.created_count) == ("validated", ROWS), job.errors[:5]
    job = timed("2. commit (check again + bulk insert)", lambda: commit(user, job))
    assert job.status == "done", job.errors[:5]
    assert Enterprise.objects.filter(uscc__in=codes[:1000]).count() == min(1000, ROWS)

    job = timed("3. dry run, same file, update mode", lambda: run(user, first, "update"))
    assert (job.status, job.unchanged_count) == ("validated", ROWS), job.errors[:5]
    job = timed("4a. dry run, every row changed", lambda: run(user, second, "update"))
    assert (job.status, job.updated_count) == ("validated", ROWS), job.errors[:5]
    job = timed("4b. commit (check again + bulk update)", lambda: commit(user, job))
    assert job.status == "done", job.errors[:5]

    output = timed(
        "5. export them again (write-only xlsx)",
        lambda: export_enterprises(Enterprise.objects.filter(name__startswith="北京基准测试企业")),
    )
    output.seek(0, os.SEEK_END)
    print(f"export size: {output.tell() / 1024 / 1024:.1f} MB")
    output.close()

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")
    print(f"work files in {WORK}")


if __name__ == "__main__":
    main()
