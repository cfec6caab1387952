# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Prefer pyenv's .python-version (3.13 here), then any python3.13 / python3.12 on PATH.
PYTHON_FOR_VENV := $(shell \
	for c in "$$(pyenv which python 2>/dev/null)" python3.13 python3.12 python3; do \
		[ -n "$$c" ] || continue; \
		p=$$(command -v "$$c" 2>/dev/null) || continue; \
		"$$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo "$$p"; break; }; \
	done)

.PHONY: setup run test serve bench soak lint fixture seed check content clean help

help:
	@echo "make run    安装依赖、迁移、导入种子数据，并在 http://127.0.0.1:$(PORT)/ 提供站点"
	@echo "make test   并行运行全部测试（PYTEST_ARGS 传参数给 pytest；HYPOTHESIS_PROFILE=ci 为完整模糊测试）"
	@echo "make serve  以生产配置（gunicorn + whitenoise）运行"
	@echo "make content 按内容规范（docs/CONTENT.md）检查每个条目"
	@echo "make bench  负载基准测试，结果写入 docs/PERFORMANCE.md"
	@echo "make soak   64 个连接持续 30 秒的混合负载，结果写入 docs/RELIABILITY.md"

$(STAMP): requirements.lock pyproject.toml
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "错误：需要 Python 3.12 或更高版本（找不到 python3.13 / python3.12）。请先安装，例如 pyenv install 3.13。" >&2; \
		exit 1; \
	fi
	@[ -x $(PY) ] || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

.env:
	@umask 077; sed "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$$($(PYTHON_FOR_VENV) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > .env
	@echo "已生成 .env（含本机专用的随机 DJANGO_SECRET_KEY）"

# Load .env for every command below (it is created on first use).
ENV := set -a; [ -f .env ] && . ./.env; set +a;

setup: $(STAMP) .env
	@$(ENV) $(PY) manage.py migrate --noinput --verbosity 0
	@$(ENV) $(PY) manage.py seed_statuscodes
	@$(ENV) $(PY) manage.py collectstatic --noinput --verbosity 0

run: setup
	@echo "站点地址：http://127.0.0.1:$(PORT)/    管理后台：http://127.0.0.1:$(PORT)/admin/"
	@$(ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production configuration: DEBUG off, hashed + compressed static files served
# by whitenoise, gunicorn with gunicorn.conf.py. Plain HTTP on 127.0.0.1 unless
# .env says otherwise (docs/DEPLOY.md).
serve: setup
	@# setup collected with .env's DEBUG; a DEBUG .env needs the hashed files collected too.
	@$(ENV) case "$${DJANGO_DEBUG:-0}" in 1|true|yes|on) \
		DJANGO_DEBUG=0 $(PY) manage.py collectstatic --noinput --verbosity 0;; esac
	@echo "生产配置：http://127.0.0.1:$(PORT)/ （gunicorn，DEBUG 关闭；Ctrl-C 停止）"
	@$(ENV) DJANGO_DEBUG=0 PORT=$(PORT) exec $(VENV)/bin/gunicorn --config gunicorn.conf.py

# Each starts its own production server on a free port with a fresh database.
bench: $(STAMP)
	$(PY) bench/run.py

soak: $(STAMP)
	$(PY) bench/soak.py

# Parallel by default (pyproject.toml's addopts); HYPOTHESIS_PROFILE (quick or ci) passes through.
test: $(STAMP)
	DJANGO_SECRET_KEY=test-only-secret-key-not-for-production-use-0123456789 \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fixture: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py build_statuscodes_fixture

check: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py build_statuscodes_fixture --check

# Every entry against docs/CONTENT.md's rules; any finding fails (CI runs it too).
content: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py check_content

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .hypothesis artifacts
