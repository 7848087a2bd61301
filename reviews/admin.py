"""Standards in the city office's admin. Standards come from files (the
standards pages and `load_standards`), and versions change state through the
services there, so the admin mostly shows them: a version is read-only unless
it is a draft, and its status is never edited here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import CityOfficeModelAdmin, site
from reviews.models import GradeThreshold, Standard, StandardVersion

_VERSION_FIELDS = ("version", "effective_date", "status", "full_marks", "published_at")


class VersionInline(admin.TabularInline):
    model = StandardVersion
    fields = _VERSION_FIELDS
    readonly_fields = _VERSION_FIELDS
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Standard, site=site)
class StandardAdmin(CityOfficeModelAdmin):
    list_display = ["code", "name", "grading", "regime"]
    list_filter = ["grading", "regime"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["industries"]
    inlines = [VersionInline]

    def has_add_permission(self, request) -> bool:
        return False  # a standard comes with its first version, from a file

    def get_readonly_fields(self, request, obj=None):
        readonly = ["code"]
        if obj is not None and obj.versions.exclude(status=StandardVersion.Status.DRAFT).exists():
            # Scoring of published versions depends on what the standard grades.
            readonly += ["grading"]
        return readonly


class ThresholdInline(admin.TabularInline):
    model = GradeThreshold
    extra = 0

    def _editable(self, request, obj) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(request, obj)


@admin.register(StandardVersion, site=site)
class StandardVersionAdmin(CityOfficeModelAdmin):
    list_display = [
        "standard",
        "version",
        "effective_date",
        "status",
        "full_marks",
        "criteria_count",
        "management_page",
    ]
    list_filter = ["status", "standard__grading"]
    search_fields = ["standard__code", "standard__name", "version"]
    list_select_related = ["standard"]
    fields = [
        "standard",
        "version",
        "effective_date",
        "status",
        "full_marks",
        "source_sha256",
        "published_at",
        "retired_at",
        "created_at",
    ]
    inlines = [ThresholdInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_total=Count("criteria"))

    @admin.display(description=_("criteria"), ordering="criteria_total")
    def criteria_count(self, obj) -> int:
        return obj.criteria_total

    @admin.display(description=_("tree, publish, retire"))
    def management_page(self, obj) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("standards:version", args=[obj.pk]), _("open")
        )

    def has_add_permission(self, request) -> bool:
        return False  # versions come from files

    def get_readonly_fields(self, request, obj=None):
        always = [
            "standard",
            "status",
            "full_marks",
            "source_sha256",
            "published_at",
            "retired_at",
            "created_at",
        ]
        if obj is not None and not obj.is_editable:
            return self.fields
        return always

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not obj.is_editable:
            return False  # a published or retired version is read-only
        return super().has_change_permission(request, obj)
