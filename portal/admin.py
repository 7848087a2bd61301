"""Django admin, for the city office only. Writes go through the services,
so the admin leaves the same audit trail as the pages."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal import audit, services
from portal.models import AuditEvent, Industry, Organisation, Qualification, Region, Street, User
from portal.permissions import can_manage_organisations


class CityOfficeAdminSite(admin.AdminSite):
    site_header = _("Work Safety Standardization Portal administration")
    site_title = _("Portal administration")

    def has_permission(self, request) -> bool:
        return can_manage_organisations(request.user)


site = CityOfficeAdminSite(name="admin")


class CityOfficeModelAdmin(admin.ModelAdmin):
    """Gives the city office the rights; deletes are not offered (audit trail)."""

    def has_module_permission(self, request) -> bool:
        return can_manage_organisations(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_manage_organisations(request.user)

    has_add_permission = has_module_permission

    def has_change_permission(self, request, obj=None) -> bool:
        return can_manage_organisations(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        before = {name: audit._plain(form.initial.get(name)) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        after = audit.snapshot(obj, [n for n in form.changed_data if hasattr(obj, n)])
        audit.record(
            actor=request.user,
            action=f"{obj._meta.model_name}.admin_{'update' if change else 'create'}",
            obj=obj,
            before=before if change else None,
            after=after,
        )


@admin.register(Region, site=site)
class RegionAdmin(CityOfficeModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "is_demonstration"]
    list_filter = ["kind", "is_demonstration"]


@admin.register(Street, site=site)
class StreetAdmin(CityOfficeModelAdmin):
    list_display = ["code", "name", "region", "kind"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "code"]
    list_select_related = ["region"]


@admin.register(Industry, site=site)
class IndustryAdmin(CityOfficeModelAdmin):
    list_display = [
        "code",
        "name",
        "group",
        "gbt4754",
        "certificate_code",
        "requires_safety_licence",
    ]
    list_filter = ["group"]


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0

    def has_view_permission(self, request, obj=None):
        return can_manage_organisations(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(Organisation, site=site)
class OrganisationAdmin(CityOfficeModelAdmin):
    list_display = ["name", "kind", "region", "status"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["name"]
    filter_horizontal = ["industries"]
    list_select_related = ["region"]
    inlines = [QualificationInline]

    def save_model(self, request, obj, form, change):
        services.organisation_save(actor=request.user, organisation=obj)


@admin.register(User, site=site)
class UserAdmin(CityOfficeModelAdmin):
    list_display = ["username", "first_name", "organisation", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["username", "first_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    fields = [
        "username",
        "first_name",
        "email",
        "phone",
        "organisation",
        "role",
        "is_active",
        "last_login",
        "date_joined",
    ]
    readonly_fields = ["last_login", "date_joined"]
    raw_id_fields = ["organisation"]
    actions = ["deactivate", "activate"]

    def has_add_permission(self, request) -> bool:
        return False  # accounts come from invitations and registrations

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate(self, request, queryset):
        for user in queryset:
            services.user_set_active(actor=request.user, user=user, active=False)

    @admin.action(description=_("Reactivate the selected users"))
    def activate(self, request, queryset):
        for user in queryset:
            services.user_set_active(actor=request.user, user=user, active=True)


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(CityOfficeModelAdmin):
    list_display = ["created_at", "actor", "organisation", "action", "object_repr", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__username"]
    list_select_related = ["actor", "organisation"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
