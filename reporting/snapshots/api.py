"""REST endpoints of reporting/snapshots/ (mounted by portal/api_urls.py)."""

routes: list = []
