from django.urls import path

from reporting.statistics import views
from reporting.statistics.views import TITLES

app_name = "statistics"

# The tables share their views; the URL names the table. The records behind a
# number (enterprises, certificates, applications, hazards …) are under enterprises/.
urlpatterns = [
    route
    for table in TITLES
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
