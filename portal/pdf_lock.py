"""One PDF at a time per process.

WeasyPrint lays text out through Pango and fontconfig, which are not thread-safe: two
threads laying out or writing PDFs at once abort the whole process ("Fatal Python
error: Aborted" in pango's line breaking). Celery's prefork workers render one task
per process and never wait here; the threads of a web server running tasks eagerly
(the embedded defaults, the tests) take turns.
"""

from __future__ import annotations

import threading

# Re-entrant: a render holds it while it calls helpers that take it too.
PDF_LOCK = threading.RLock()
