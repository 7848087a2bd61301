from django.urls import path

from hazards.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("", views.inspection_list, name="inspections"),
    path("export/", views.inspection_export, name="inspections_export"),
    path("new/", views.inspection_new, name="inspection_new"),
    path("<int:pk>/", views.inspection_detail, name="inspection"),
    path("<int:pk>/review/", views.inspection_review, name="inspection_review"),
    path("tip-offs/", views.tip_off_list, name="tip_offs"),
    path("tip-offs/export/", views.tip_off_export, name="tip_offs_export"),
    path("tip-offs/new/", views.tip_off_new, name="tip_off_new"),
    path("tip-offs/<int:pk>/", views.tip_off_detail, name="tip_off"),
    path("tip-offs/<int:pk>/confirm/", views.tip_off_confirm, name="tip_off_confirm"),
    path("tip-offs/<int:pk>/dismiss/", views.tip_off_dismiss, name="tip_off_dismiss"),
]
