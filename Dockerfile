# fb15 production image: gunicorn serving Django (static files via WhiteNoise).
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

# PYTHONPATH: run the code in /app (next to templates/, static/, locale/), not the copy pip
# puts into site-packages: settings.BASE_DIR is derived from fb15/settings.py's location.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app

# Pango/HarfBuzz for WeasyPrint, a fallback font, gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so this layer is reused until pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . .

# Install the project itself, compile translations, then collect static files and prove
# the image serves: scripts/production_smoke.py collects into the image's STATIC_ROOT with
# DEBUG=0 (manifest storage), migrates a throw-away SQLite database, renders a PDF from the
# collected files and checks login page, CSS, fonts, /healthz and a logged-in page through
# gunicorn over HTTP. A build that could not serve pages fails here (and in `make test`).
# locale/ may not exist in a fresh checkout (git keeps no empty dirs); compilemessages
# refuses to run without any locale directory.
RUN pip install --no-deps . \
 && rm -rf build ./*.egg-info \
 && mkdir -p locale \
 && SECRET_KEY=build DEBUG=0 ALLOWED_HOSTS=build python manage.py compilemessages \
 && python scripts/production_smoke.py --static-root /app/staticfiles

# Unprivileged user. Code and collected static files stay root-owned (read-only to the app);
# only the media directory is writable. A home dir gives fontconfig (WeasyPrint) a cache.
RUN groupadd --system --gid 10001 fb15 \
 && useradd --system --uid 10001 --gid fb15 --create-home --home-dir /home/fb15 \
        --shell /usr/sbin/nologin fb15 \
 && mkdir -p /data/media \
 && chown fb15:fb15 /data/media

ENV MEDIA_ROOT=/data/media
USER fb15

EXPOSE 8000
CMD ["gunicorn", "fb15.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
