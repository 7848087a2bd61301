"""Excel import of enterprises: template, dry run, all-or-nothing commit.

- columns.py: the workbook's columns (shared with the export)
- reading.py: is the upload an xlsx, its header, its rows
- rows.py: checking one row against the registry's rules
- requests.py: the user's requests (upload, go ahead), which queue the worker's steps
- service.py: the worker's steps (check, write)
- template.py: the downloadable template
- forms.py: the upload form
"""
