"""The two targets of 京政办发〔2013〕10号 (/work/shared/seed-jingzhengbanfa-2013-10.txt,
"具体目标"). Idempotent: a target already there (same document and deadline) is left alone.

规模以下 is taken to include 小微 (the document sets no separate deadline for them and
puts them on the post standard), so the second target asks for the post standard or better.
"""

import datetime
from decimal import Decimal

from django.db import migrations

DOCUMENT = "京政办发〔2013〕10号"
TITLE = "北京市人民政府办公厅关于进一步推进企业安全生产标准化建设工作的意见"
SEED = [
    (
        "非煤矿山、冶金、机械等行业规模以上企业2013年底前达标",
        ["non_coal_mining", "metallurgy", "machinery"],
        ["above"],
        "level_3",
        datetime.date(2013, 12, 31),
    ),
    (
        "冶金、机械等行业规模以下企业2015年前达标",
        ["metallurgy", "machinery"],
        ["below", "small_micro"],
        "post",
        datetime.date(2015, 12, 31),
    ),
]


def load(apps, schema_editor):
    Target = apps.get_model("reporting", "Target")
    Industry = apps.get_model("portal", "Industry")
    for title, industries, scales, grade, deadline in SEED:
        if Target.objects.filter(document_number=DOCUMENT, deadline=deadline).exists():
            continue
        target = Target.objects.create(
            title=f"{TITLE}：{title}",
            document_number=DOCUMENT,
            scales=scales,
            required_grade=grade,
            deadline=deadline,
            rate=Decimal("100"),
        )
        target.industries.set(Industry.objects.filter(code__in=industries))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_targets"), ("portal", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
