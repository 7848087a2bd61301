"""Certificate and plaque PDFs (issue 5), rendered by Celery tasks with
WeasyPrint through certification/pdf.py's restricted pipeline."""
