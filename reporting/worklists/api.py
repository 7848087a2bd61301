"""REST endpoints of reporting/worklists/ (mounted by portal/api_urls.py)."""

routes: list = []
