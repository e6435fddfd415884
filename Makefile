# Two commands matter: `make run` (the skill on the embedded SQLite store) and `make test`.
# Deploying (docs/DEPLOY.md): `make lock`, `make lock-check`, `make deploy`, `make teardown`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# make deploy SKILL_ID=amzn1.ask.skill.... IMAGE=....dkr.ecr....amazonaws.com/footcoach@sha256:...
#             DOMAIN=footcoach.example.com [HOSTED_ZONE_ID=Z...] [CERTIFICATE_ARN=arn:...]
#             [TABLE=footcoach-progress] [CREATE_TABLE=true|false] [ALARM_EMAIL=ops@...]
STACK ?= footcoach
TEMPLATE := infra/footcoach.yaml
TABLE ?= footcoach-progress
CREATE_TABLE ?= true
DEPLOY_PARAMETERS = SkillId=$(SKILL_ID) Image=$(IMAGE) DomainName=$(DOMAIN) \
	TableName=$(TABLE) CreateTable=$(CREATE_TABLE) \
	$(if $(HOSTED_ZONE_ID),HostedZoneId=$(HOSTED_ZONE_ID)) \
	$(if $(CERTIFICATE_ARN),CertificateArn=$(CERTIFICATE_ARN)) \
	$(if $(ALARM_EMAIL),AlarmEmail=$(ALARM_EMAIL)) \
	$(if $(MIN_TASKS),MinTasks=$(MIN_TASKS)) $(if $(MAX_TASKS),MaxTasks=$(MAX_TASKS))

.PHONY: run test lint bench chat models mutate clean lock lock-check deploy teardown

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/footcoach serve --host 127.0.0.1 --port 5000

chat: $(STAMP)
	$(BIN)/footcoach chat

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check skill tests bench infra
	$(BIN)/mypy

# The five interaction models and the skill package, from interaction_models/source/ and the
# routine data (`--check` in the tests keeps them in sync).
models: $(STAMP)
	$(BIN)/python infra/build_skill_package.py

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Mutation testing, outside CI (minutes per module): make mutate MODULES="skill/routine/plan.py"
MODULES ?=
$(VENV)/.mutation: $(STAMP)
	$(BIN)/pip install --quiet -e '.[mutation]'
	touch $(VENV)/.mutation

mutate: $(VENV)/.mutation
	$(BIN)/python tools/mutate.py $(MODULES)

lock: $(STAMP)
	$(BIN)/python infra/lock.py write

lock-check: $(STAMP)
	$(BIN)/python infra/lock.py check

deploy:
	@test -n "$(SKILL_ID)" -a -n "$(IMAGE)" -a -n "$(DOMAIN)" || { \
	  echo "make deploy needs SKILL_ID=amzn1.ask.skill... IMAGE=REGISTRY/footcoach@sha256:... DOMAIN=host.example.com (docs/DEPLOY.md)" >&2; exit 2; }
	aws cloudformation deploy --stack-name $(STACK) --template-file $(TEMPLATE) \
	  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
	  --parameter-overrides $(strip $(DEPLOY_PARAMETERS))
	aws cloudformation describe-stacks --stack-name $(STACK) \
	  --query 'Stacks[0].Outputs' --output table

# Deletes the service; the progress table is kept (DeletionPolicy: Retain). Deploy again with
# CREATE_TABLE=false to use it.
teardown:
	aws cloudformation delete-stack --stack-name $(STACK)
	aws cloudformation wait stack-delete-complete --stack-name $(STACK)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
