"""Two threads rendering PDFs at once (a web server's threads running tasks eagerly)
in a process that has not rendered one yet: without portal.pdf_lock, Pango's line
breaking aborted the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RENDER_IN_THREADS = """
import django, threading
django.setup()
from certification.certificates import pdf
html = "<p>" + "安全生产标准化达标企业 Work safety standardization " * 400 + "</p>"
results = []
threads = [threading.Thread(target=lambda: results.append(pdf.html_to_pdf(html)))
           for _ in range(8)]  # without the lock, 4 runs in 5 aborted
for thread in threads: thread.start()
for thread in threads: thread.join()
print(len(results), all(len(r) > 1000 and r.startswith(b"%PDF") for r in results))
"""


def test_pdfs_rendered_in_threads_at_once_all_come_out():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", RENDER_IN_THREADS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "8 True"
