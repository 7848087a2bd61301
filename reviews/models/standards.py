"""Checklist standards as data: standard → version → A/B elements → criteria.

A published version never changes; assessments point at the exact version
they used. The file format that fills these tables: docs/standard-format.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.fields import BoundedTextField
from portal.models import Industry


class Grading(models.TextChoices):
    TIERED = "tiered", _("Levels 1, 2 and 3")
    SMALL_MICRO = "small_micro", _("Small and micro enterprise standard (pass or fail)")
    POST = "post", _("Post standard (every post must pass)")


class Standard(models.Model):
    class Regime(models.TextChoices):
        GONGMAO_2011 = "gongmao_2011", _("工贸 grading (安监总管四〔2011〕84号)")
        DINGJI_2021 = "dingji_2021", _("Grading rules of 2021 (应急〔2021〕83号)")
        SMALL_MICRO_2014 = "small_micro_2014", _("Small and micro (安监总管四〔2014〕17号)")
        BEIJING = "beijing", _("Beijing local standard")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    grading = models.CharField(_("grades"), max_length=20, choices=Grading.choices)
    regime = models.CharField(_("regime"), max_length=30, choices=Regime.choices)
    # Empty means every industry / every scale.
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="standards", verbose_name=_("industries")
    )
    scales = models.JSONField(_("scales"), default=list, blank=True)
    description = BoundedTextField(_("description"), max_length=10000, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")

    def __str__(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class StandardVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=30)
    effective_date = models.DateField(_("effective date"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    full_marks = models.DecimalField(_("full marks"), max_digits=7, decimal_places=1)
    # SHA-256 of the imported file: re-importing the same file changes nothing.
    source_sha256 = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["standard__code", "-effective_date"]
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")
        constraints = [
            models.UniqueConstraint(fields=["standard", "version"], name="version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.standard} ({self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class GradeThreshold(models.Model):
    """The minimum score (out of 100) for a grade: "1", "2", "3" or "pass"."""

    version = models.ForeignKey(
        StandardVersion, on_delete=models.CASCADE, related_name="thresholds"
    )
    grade = models.CharField(_("grade"), max_length=5)
    min_score = models.DecimalField(_("minimum score"), max_digits=4, decimal_places=1)
    # The least percent of its applicable points each A element must earn for
    # this grade, where the regime requires one; None: no minimum.
    min_element_percent = models.DecimalField(
        _("minimum per element (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["min_score"]
        constraints = [
            models.UniqueConstraint(fields=["version", "grade"], name="threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class Element(models.Model):
    """An A element (类目; a post in a post standard) or a B element (项目)."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="elements")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="element_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level(self) -> str:
        return "A" if self.parent_id is None else "B"


class ExtraTrigger(models.TextChoices):
    """When a criterion's 追加扣除 is taken (reviews/scoring.py)."""

    FULL_DEDUCTION = (
        "full_deduction",
        _("When the criterion's deductions reach its points (扣满…的)"),
    )
    CONDITION = "condition", _("When the assessor finds the stated condition (…的，追加扣除)")


class Criterion(models.Model):
    """One 考评内容: what is required, how it is checked and what it is worth."""

    version = models.ForeignKey(StandardVersion, on_delete=models.CASCADE, related_name="criteria")
    # The B element, or the A element when it has no B elements.
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="criteria")
    # The A element, denormalised so scoring groups without walking the tree.
    a_element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(default=0)
    requirement = BoundedTextField(_("requirement"), max_length=10000)
    method = BoundedTextField(_("assessment method"), max_length=10000)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1)
    is_veto = models.BooleanField(_("veto criterion"), default=False)
    guidance = BoundedTextField(_("guidance for small firms"), max_length=10000, blank=True)
    evidence = BoundedTextField(_("typical evidence"), max_length=10000, blank=True)
    # 追加扣除: lost in this criterion's A element, on its trigger.
    extra_deduction = models.DecimalField(
        _("extra deduction"), max_digits=6, decimal_places=1, default=0
    )
    extra_deduction_note = models.CharField(_("extra deduction rule"), max_length=300, blank=True)
    extra_trigger = models.CharField(
        _("extra deduction taken"), max_length=20, choices=ExtraTrigger.choices, blank=True
    )
    # The grades a failed veto bars; empty: every grade.
    veto_grades = models.JSONField(_("grades the veto bars"), default=list, blank=True)
    allow_na = models.BooleanField(_("may be not applicable"), default=True)
    # Points per occurrence ("每…扣N分"): the assessor may count occurrences.
    deduction_unit = models.DecimalField(
        _("deduction per occurrence"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="criterion_code_unique"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="criterion_points_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.requirement[:40]}"
