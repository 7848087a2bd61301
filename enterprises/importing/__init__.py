"""Excel import of enterprises: template, dry run, all-or-nothing commit.

- columns.py: the workbook's columns (shared with the export)
- reading.py: is the upload an xlsx, its header, its rows
- rows.py: checking one row against the registry's rules
- service.py: the job's steps (upload, check, commit)
- template.py: the downloadable template
- forms.py: the upload form
"""
