"""The shipped standards are authored examples in the regulations' structure, not the
official texts: their titles say so (示例 / "example"). The same titles are in
reviews/standards/data/*.yaml, so load_standards finds the stored versions unchanged.
A standard whose title was changed since (an official text loaded under the same code)
keeps its title."""

from django.db import migrations

# code → ((old name, old English name), (new name, new English name))
LABELS = {
    "commerce-level3": (
        (
            "北京市商贸企业安全生产标准化三级评定标准",
            "Beijing commerce and trade enterprises – work-safety standardization level 3 "
            "rating standard",
        ),
        (
            "北京市商贸企业安全生产标准化三级评定标准（示例）",
            "Beijing commerce and trade enterprises – work-safety standardization level 3 "
            "rating standard (example)",
        ),
    ),
    "gbt33000-2016": (
        (
            "企业安全生产标准化基本规范（GB/T 33000-2016）评分细则",
            "Basic norms for enterprise work-safety standardization (GB/T 33000-2016) – "
            "scoring rules",
        ),
        (
            "企业安全生产标准化基本规范（GB/T 33000-2016）评分细则（示例）",
            "Basic norms for enterprise work-safety standardization (GB/T 33000-2016) – "
            "scoring rules (example)",
        ),
    ),
    "gongmao-general": (
        (
            "冶金等工贸企业安全生产标准化评定标准（通用，北京试行）",
            "Metallurgy and other industry and trade enterprises – work safety "
            "standardization grading standard (general, Beijing trial)",
        ),
        (
            "冶金等工贸企业安全生产标准化评定标准（通用，北京试行，示例）",
            "Metallurgy and other industry and trade enterprises – work safety "
            "standardization grading standard (general, Beijing trial, example)",
        ),
    ),
    "machinery-level3": (
        (
            "北京市机械制造企业安全生产标准化三级评定标准",
            "Beijing machinery manufacturing enterprises – work-safety standardization "
            "level 3 rating standard",
        ),
        (
            "北京市机械制造企业安全生产标准化三级评定标准（示例）",
            "Beijing machinery manufacturing enterprises – work-safety standardization "
            "level 3 rating standard (example)",
        ),
    ),
    "post-standard": (
        ("小微企业岗位达标标准", "Post-level compliance standard for small and micro enterprises"),
        (
            "小微企业岗位达标标准（示例）",
            "Post-level compliance standard for small and micro enterprises (example)",
        ),
    ),
    "small-micro": (
        (
            "冶金等工贸行业小微企业安全生产标准化评定标准",
            "Work-safety standardization rating standard for small and micro industry and "
            "trade enterprises",
        ),
        (
            "冶金等工贸行业小微企业安全生产标准化评定标准（示例）",
            "Work-safety standardization rating standard for small and micro industry and "
            "trade enterprises (example)",
        ),
    ),
}


def _relabel(apps, old_index: int, new_index: int) -> None:
    Standard = apps.get_model("reviews", "Standard")
    for code, labels in LABELS.items():
        (old, old_en), (new, new_en) = labels[old_index], labels[new_index]
        Standard.objects.filter(code=code, name=old).update(name=new)
        Standard.objects.filter(code=code, name_en=old_en).update(name_en=new_en)


def label_examples(apps, schema_editor):
    _relabel(apps, 0, 1)


def unlabel_examples(apps, schema_editor):
    _relabel(apps, 1, 0)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0006_shipped_triggers")]

    operations = [migrations.RunPython(label_examples, unlabel_examples)]
