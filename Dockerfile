# One image for web (gunicorn), the Celery worker and Celery beat; see docker-compose.yml.

# ECharts from the npm registry, pinned by package-lock.json; only the file the
# pages load goes into the image.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

# A CJK font for certificates and reports, HarfBuzz subsetting (small, fast PDFs),
# Pango for WeasyPrint, gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-wqy-microhei fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (from pyproject.toml, the only list), so code changes reuse this layer.
COPY pyproject.toml ./
# The s3 extra too, so that STORAGE_S3_BUCKET works in the image.
RUN python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["s3"]))' \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=assets /assets/node_modules/echarts/dist/echarts.min.js node_modules/echarts/dist/

# Static files and translations are built into the image; the key is for this step only.
RUN export DEBUG=false SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    && python manage.py collectstatic --noinput -v 0 \
    && if find . -name '*.po' -not -path './staticfiles/*' | grep -q .; then \
        python manage.py compilemessages -v 0 \
            --ignore staticfiles --ignore var; fi \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home portal \
    && mkdir -p /app/var/media \
    && chown -R portal:portal /app/var

USER portal
EXPOSE 8000

# WEB_CONCURRENCY sets gunicorn's number of workers.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "120"]
