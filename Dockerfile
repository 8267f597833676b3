# Yhdessä as a container image: Debian's packages and the Python packages of
# pyproject.toml, nothing else fetched. Run it with compose.yaml (PostgreSQL,
# web, worker) or see README, "Production". The processes are those of
# deploy/entrypoint.sh: `web` (default), `worker`, `migrate`, `backup`, `restore`.
FROM debian:bookworm-slim

# Python 3.11 from Debian; for WeasyPrint (the joint plan as PDF) Pango with
# its FreeType backend and HarfBuzz's subsetter, and the fonts the plan names
# (DejaVu Sans); Debian's postgresql-client for `manage.py backup`/`restore`
# (pg_dump 15: use PostgreSQL 15, as compose.yaml does, or an older server).
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        python3 python3-venv \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core \
        postgresql-client \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/*

RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

WORKDIR /app
# The dependencies first, in a layer of their own that a code change keeps:
# an editable install of an empty package, which the code then fills.
COPY pyproject.toml ./
RUN mkdir yhdessa && touch yhdessa/__init__.py \
    && pip install --no-cache-dir --editable . \
    && rm -r yhdessa

COPY . .
# The static files, collected into the image; whitenoise serves them. The key
# only lets the settings load and goes away with this step.
RUN SECRET_KEY="collectstatic-$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        python manage.py collectstatic --noinput \
    && useradd --system --user-group --uid 10001 --home-dir /app --shell /usr/sbin/nologin yhdessa \
    && mkdir -p var/backups \
    && chown -R yhdessa:yhdessa var

# Not root: the processes can change nothing in the image but var/.
USER yhdessa
EXPOSE 8000
ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["web"]
