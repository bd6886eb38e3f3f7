# ctsearch: every command a newcomer needs. `make run` and `make test` set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOTSTRAP ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SHARED ?= ../shared
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv run test services stop status lint format demo bench profile eval faults cluster cluster-stop failover

help:
	@echo "make run       install, start services, migrate, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test      install, start services, run every test against the real services"
	@echo "make services  start PostgreSQL, Redis and OpenSearch (idempotent), then migrate"
	@echo "make stop      stop the services (and a worker/beat started by make run)"
	@echo "make lint      ruff check and format check"
	@echo "make bench     benchmarks against the raw engine (BENCH_SCALE=N articles)"
	@echo "make profile   py-spy profiles of ingest and search (after make bench)"
	@echo "make eval      judged relevance: ctsearch vs the built-in arabic analyzer"
	@echo "make faults    kill and restart OpenSearch, PostgreSQL, Redis and a worker (own services)"
	@echo "make cluster   a 3-node OpenSearch cluster on ports 59210-59212 (make cluster-stop)"
	@echo "make failover  kill a node of a 3-node cluster during searches and an ingest; figures"

# The virtualenv is rebuilt only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

services: venv
	@ops/services.sh start
	@$(PY) manage.py migrate --noinput -v 0
	@echo "Services are up. Try: $(PY) manage.py ingest $(SHARED)/seeds"

stop:
	@ops/app.sh stop || true
	@ops/services.sh stop

status:
	@ops/services.sh status
	@ops/app.sh status || true

demo: services
	@$(PY) manage.py load_demo --shared $(SHARED)

run: demo
	@ops/app.sh serve $(HOST) $(PORT)

test: services
	@ops/test.sh

bench: services
	@$(PY) bench/run.py

profile: services
	@$(PY) bench/profile.py

eval: services
	@$(PY) bench/relevance_eval.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# OpenSearch, PostgreSQL, Redis and a Celery worker killed and restarted, each test on services of
# its own (tests/faults/stack.py: free ports, var/faults-*); the shared ones are never touched.
faults: venv
	@CTSEARCH_ENV=test CTSEARCH_FAULTS_TESTS=1 $(VENV)/bin/pytest -q -p no:cacheprovider -m faults tests/faults

# A 3-node OpenSearch cluster from the same jars (ops/cluster.sh); OPENSEARCH_URL="$$(ops/cluster.sh urls)".
cluster: venv
	@ops/cluster.sh start

cluster-stop:
	@ops/cluster.sh stop

# Starts its own cluster, PostgreSQL and Redis on free ports (var/cluster-*), kills the cluster
# manager mid-ingest with searches running, prints the figures (also in var/failover.json).
failover: venv
	@CTSEARCH_ENV=test CTSEARCH_CLUSTER_TESTS=1 $(VENV)/bin/pytest -q -s -p no:cacheprovider tests/cluster
