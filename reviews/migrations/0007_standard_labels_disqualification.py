"""Disqualifying a review unit: the organising unit's proposal and the decision
(reviews/bodies/disqualification.py).

The shipped standards are authored examples in the regulations' structure, not the
official texts: their titles say so (示例 / "example"). The same titles are in
reviews/standards/data/*.yaml, so load_standards finds the stored versions unchanged.
A standard whose title was changed since (an official text loaded under the same code)
keeps its title."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import portal.fields

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
    dependencies = [
        ("reviews", "0006_shipped_triggers"),
        ("portal", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(label_examples, unlabel_examples),
        migrations.CreateModel(
            name="DisqualificationProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Awaiting the decision"),
                            ("approved", "Disqualified"),
                            ("refused", "Refused"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("reason", portal.fields.BoundedTextField(max_length=2000, verbose_name="reason")),
                (
                    "evidence",
                    portal.fields.BoundedTextField(max_length=4000, verbose_name="evidence"),
                ),
                (
                    "failed_spot_checks",
                    models.PositiveSmallIntegerField(verbose_name="failed spot checks this year"),
                ),
                ("proposed_at", models.DateTimeField(auto_now_add=True, verbose_name="proposed")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                (
                    "decision_reason",
                    portal.fields.BoundedTextField(
                        blank=True, max_length=2000, verbose_name="reasons for the decision"
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "decider",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.organisation",
                        verbose_name="decided by",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "proposer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="portal.organisation",
                        verbose_name="proposed by",
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        limit_choices_to={"kind": "review_unit"},
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="disqualification_proposals",
                        to="portal.organisation",
                        verbose_name="review unit",
                    ),
                ),
            ],
            options={
                "verbose_name": "disqualification proposal",
                "verbose_name_plural": "disqualification proposals",
                "ordering": ["-proposed_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("unit",),
                        name="one_pending_disqualification",
                    )
                ],
            },
        ),
    ]
