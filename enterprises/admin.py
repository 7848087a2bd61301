from django.contrib import admin

from enterprises import services
from enterprises.models import Enterprise
from portal.admin import CityOfficeModelAdmin, site


@admin.register(Enterprise, site=site)
class EnterpriseAdmin(CityOfficeModelAdmin):
    list_display = ["name", "uscc", "region", "industry", "scale", "status"]
    list_filter = ["status", "scale", "region", "industry"]
    search_fields = ["name", "uscc"]
    list_select_related = ["region", "industry"]
    raw_id_fields = ["street", "group", "account"]

    def save_model(self, request, obj, form, change):
        services.enterprise_save(actor=request.user, enterprise=obj)
