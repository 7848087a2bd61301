from django.urls import path

from reporting.statistics import views

app_name = "statistics"

# Both tables share their views; the URL names the table.
urlpatterns = [
    route
    for table in ("compliance", "certificates")
    for route in (
        path(f"{table}/", views.table_page, {"table_name": table}, name=table),
        path(f"{table}/export/", views.table_export, {"table_name": table}, name=f"{table}_export"),
        path(
            f"{table}/enterprises/",
            views.records_page,
            {"table_name": table},
            name=f"{table}_records",
        ),
        path(
            f"{table}/enterprises/export/",
            views.records_export,
            {"table_name": table},
            name=f"{table}_records_export",
        ),
    )
]
