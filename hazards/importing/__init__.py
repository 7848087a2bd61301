"""Excel import of an existing hazard ledger: template, dry run, all-or-nothing import.

- columns.py: the workbook's columns
- reading.py: the upload's header and rows (the enterprise import's reader)
- rows.py: one row's cells as hazards.services.hazard_record takes them
- service.py: the check and the import (one code path; the dry run rolls back)
- template.py: the downloadable template
- forms.py, views.py, urls.py, api.py: the page and the endpoints
"""
