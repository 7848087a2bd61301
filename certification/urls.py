from django.urls import path

from certification import views

app_name = "certification"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("<int:pk>/", views.application_detail, name="detail"),
]
