# monhook — build, test and measure. `make help` lists the targets.
GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.7.0
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT      ?= $(shell git rev-parse HEAD 2>/dev/null)
# The commit's time, not the build's: stamped into the binary and used as
# every file time in the archives and the image, so that one commit always
# builds the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
DATE        := $(shell TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null || echo 1970-01-01T00:00:00Z)
CLI         := github.com/monhook/monhook/internal/cli
LDFLAGS     := -s -w -X $(CLI).version=$(VERSION) -X $(CLI).commit=$(COMMIT) -X $(CLI).date=$(DATE)
# Static (no cgo: no libc to find at run time) and free of build paths. One
# command line for make build, make install, make dist and make image.
GOBUILD      = CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)'
BIN         := bin/monhook
DIST        := dist
PLATFORMS   ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
# The image configs/kubernetes names; its tag is the version.
IMAGE_REPO  ?= registry.example.com/monhook
IMAGE_TAG   ?= $(VERSION)
IMAGE_ARCHS ?= amd64 arm64
IMAGE_TAR    = $(DIST)/monhook_$(IMAGE_TAG)_image.tar
# The image's CA certificates: Debian's ca-certificates bundle of the build machine.
CA_BUNDLE   ?= /etc/ssl/certs/ca-certificates.crt
BENCHTIME   ?= 1s
FUZZTIME    ?= 50000x
PROMTOOL    ?= promtool
# The upstream monasca-tempest-plugin runner; relative paths are from the checkout.
TEMPEST_RUN ?= ../shared/tempest/run.sh

.PHONY: help build install man dist image image-test unit-check manifests-check test lint bench e2e tempest tempest-profiles demo fuzz tidy-check clean promtool

help: ## list targets
	@grep -E '^[a-z0-9-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

build: ## build bin/monhook: static, -trimpath, version/commit/date stamped
	$(GOBUILD) -o $(BIN) ./cmd/monhook

install: ## the same binary as make build, go-installed (into $GOBIN or ~/go/bin)
	CGO_ENABLED=0 $(GO) install -trimpath -ldflags '$(LDFLAGS)' ./cmd/monhook

man: ## man pages (cobra's doc package) into dist/man/man1
	rm -rf $(DIST)/man
	$(GO) run -ldflags '$(LDFLAGS)' ./internal/docgen -man $(DIST)/man -date $(DATE)

# One archive per platform: the binary, README.md, man pages, completions.
# Sorted names, the commit's time, no owner and gzip -n: reproducible.
dist: man ## release archives for $(PLATFORMS) and their SHA256SUMS, in dist/
	rm -rf $(DIST)/completions $(DIST)/stage $(DIST)/monhook_*.tar.gz $(DIST)/SHA256SUMS
	$(GO) run -ldflags '$(LDFLAGS)' ./internal/docgen -completions $(DIST)/completions
	@set -e; for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; name=monhook_$(VERSION)_$${os}_$${arch}; stage=$(DIST)/stage/$$name; \
	  echo "build $$p"; \
	  GOOS=$$os GOARCH=$$arch $(GOBUILD) -o $(DIST)/build/$$os-$$arch/monhook ./cmd/monhook; \
	  mkdir -p $$stage; \
	  cp $(DIST)/build/$$os-$$arch/monhook README.md $$stage/; \
	  cp -R $(DIST)/man $(DIST)/completions $$stage/; \
	  tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
	    -C $(DIST)/stage -cf - $$name | gzip -n9 > $(DIST)/$$name.tar.gz; \
	done
	rm -rf $(DIST)/stage
	cd $(DIST) && sha256sum monhook_*.tar.gz > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

# No Docker daemon: internal/ociimage (go-containerregistry, pinned in go.mod)
# assembles the binaries built here with the same command line as make build.
image: ## OCI image (linux amd64+arm64, nonroot) as a tarball in dist/; prints its path last
	@set -e; for a in $(IMAGE_ARCHS); do \
	  echo "build linux/$$a"; GOOS=linux GOARCH=$$a $(GOBUILD) -o $(DIST)/build/linux-$$a/monhook ./cmd/monhook; \
	done
	@$(GO) run ./internal/ociimage -ref $(IMAGE_REPO):$(IMAGE_TAG) \
	  $(foreach a,$(IMAGE_ARCHS),-bin linux/$(a)=$(DIST)/build/linux-$(a)/monhook) \
	  -ca-bundle $(CA_BUNDLE) -version $(VERSION) -revision $(COMMIT) -created $(DATE) -o $(IMAGE_TAR)

image-test: build image ## (root) make image's tarball unpacked into an empty root: version, check --lab
	MONHOOK_IMAGE=$(CURDIR)/$(IMAGE_TAR) MONHOOK_BIN=$(CURDIR)/$(BIN) $(GO) test -tags e2e -count=1 -timeout 10m -v ./e2e/image/

unit-check: build ## systemd-analyze verify + security of configs/systemd/monhook-serve.service
	configs/systemd/verify.sh $(BIN)

manifests-check: ## strict decode of configs/kubernetes into k8s.io/api types (nested module configs/)
	cd configs && $(GO) vet ./... && $(GO) test -count=1 ./...

test: ## unit and in-process tests (no network, no cloud)
	$(GO) test -race -count=1 ./...

lint: ## gofmt, go vet, staticcheck (pinned, through the module proxy)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags e2e ./e2e/...
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) -tags e2e ./e2e/...

bench: ## benchmarks: ratios against in-run baselines (see README)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

e2e: build ## end-to-end: the built binary against the lab, real Keystone, real monasca CLI
	MONHOOK_BIN=$(CURDIR)/$(BIN) $(GO) test -tags e2e -count=1 -timeout 20m ./e2e/...

tempest: build ## upstream Monasca tempest API suite against the lab (real Keystone; apt-installs tempest as root); LAB_ARGS='--release mitaka' plays another profile
	@test -f "$(TEMPEST_RUN)" || { echo "make tempest: no $(TEMPEST_RUN); set TEMPEST_RUN to shared/tempest/run.sh" >&2; exit 2; }
	@# The runner starts "$$MONHOOK lab ..."; with LAB_ARGS a wrapper adds them.
	@if [ -n "$(LAB_ARGS)" ]; then \
	  printf '#!/bin/sh\nif [ "$$1" = lab ]; then shift; exec "%s" lab %s "$$@"; fi\nexec "%s" "$$@"\n' \
	    "$(CURDIR)/$(BIN)" "$(LAB_ARGS)" "$(CURDIR)/$(BIN)" > bin/monhook-lab-args && chmod +x bin/monhook-lab-args; \
	  MONHOOK_SRC=$(CURDIR) MONHOOK=$(CURDIR)/bin/monhook-lab-args bash "$(TEMPEST_RUN)"; \
	else \
	  MONHOOK_SRC=$(CURDIR) MONHOOK=$(CURDIR)/$(BIN) bash "$(TEMPEST_RUN)"; \
	fi

# The tests of the branchless suite that apply to older profiles (POSIX ERE:
# run.sh counts them with grep -E). mitaka has no notification-method period,
# types or PATCH (every notification-method test sends a period) and no
# deterministic or last() in expressions: its selection leaves out the
# notification-method modules and the four deterministic tests (names
# test_create_deterministic..., test_create_non_deterministic..._mixed_expr,
# test_verify_deterministic_alarm); last() is only in test_alarm_transitions.
TEMPEST_MITAKA_REGEX ?= ^monasca_tempest_tests\.tests\.api\.((test_alarm_definitions|test_alarms)\.[A-Za-z]+\.test_(create_alarm|create_and|delete|get|list|patch|update)|test_read_only_role\.)
TEMPEST_JAVA_REGEX   ?= ^monasca_tempest_tests\.tests\.api\.(test_notification_method|test_alarm_definitions|test_read_only_role)

tempest-profiles: build ## the tempest tests that apply, against --release mitaka and --api java
	$(MAKE) --no-print-directory tempest LAB_ARGS='--release mitaka' TEMPEST_REGEX='$(TEMPEST_MITAKA_REGEX)'
	$(MAKE) --no-print-directory tempest LAB_ARGS='--api java' TEMPEST_REGEX='$(TEMPEST_JAVA_REGEX)'

fuzz: ## short runs of every fuzz target
	@$(GO) list -f '{{.ImportPath}} {{.Dir}}' ./... | while read pkg dir; do \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/func //'); do \
	    echo "fuzz $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

promtool: ## alert rules and scrape configs for monhook serve: promtool check + unit tests
	cd configs/prometheus && $(PROMTOOL) check rules monhook-alerts.yml
	cd configs/prometheus && $(PROMTOOL) test rules monhook-alerts_test.yml
	cd configs/prometheus && $(PROMTOOL) check config scrape-probe.yml
	cd configs/prometheus && $(PROMTOOL) check config scrape-targets.yml

demo: build ## the main job against the embedded lab
	$(BIN) check --lab

tidy-check: ## go.mod and go.sum are tidy
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

clean:
	rm -rf bin $(DIST)
