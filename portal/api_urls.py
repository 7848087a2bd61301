# Filled by the API work (portal/api.py, enterprises/api.py).
urlpatterns = []
