# The ctsearch application image (web, worker and beat share it). For users with Docker;
# the project itself runs without Docker through `make run`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY ctsearch ./ctsearch
COPY articles ./articles
RUN pip install .

COPY . .
# Static files compressed once at build time; whitenoise serves them from gunicorn.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0
RUN useradd --create-home ctsearch && mkdir -p /app/var && chown ctsearch /app/var
USER ctsearch

EXPOSE 8000
ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn -c ctsearch/gunicorn.py ctsearch.wsgi"]
