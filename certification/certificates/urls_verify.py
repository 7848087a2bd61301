"""Public certificate verification (no login), mounted at /verify/."""

from django.urls import path

from certification.certificates import views_verify

app_name = "verify"

urlpatterns = [
    path("", views_verify.lookup, name="lookup"),
    path("public-key.pem", views_verify.public_key, name="public_key"),
    path("<str:payload>/", views_verify.payload, name="payload"),
]
