# SPDX-License-Identifier: GPL-3.0-or-later
#
# The two commands:
#   make run    install what is missing, build, and start Taube
#   make check  the same set-up, then every test suite
#   make demo   the same set-up as run, then Taube on a sample mailbox on a private mail server
# Both work on a fresh Debian 12 machine (as root or with sudo) and are quick when warm.

BUILDDIR ?= _build
PREFIX   := $(CURDIR)/_install

.PHONY: run check demo deps build install fuzz clean

run: install
	XDG_DATA_DIRS="$(PREFIX)/share:$${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
	GSETTINGS_SCHEMA_DIR="$(PREFIX)/share/glib-2.0/schemas" \
	  "$(PREFIX)/bin/taube"

# The rig hides the session's display from what it runs; the TAUBE_DEMO_* variables carry it
# through to Taube alone (build-aux/taube-demo).
demo: install
	TAUBE_DEMO_DISPLAY="$${DISPLAY:-}" TAUBE_DEMO_WAYLAND_DISPLAY="$${WAYLAND_DISPLAY:-}" \
	TAUBE_DEMO_XAUTHORITY="$${XAUTHORITY:-}" TAUBE_DEMO_HOME="$$HOME" \
	TAUBE_DEMO_RUNTIME_DIR="$${XDG_RUNTIME_DIR:-}" \
	XDG_DATA_DIRS="$(PREFIX)/share:$${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
	GSETTINGS_SCHEMA_DIR="$(PREFIX)/share/glib-2.0/schemas" \
	  tests/rig/taube-rig --with dovecot,keyring -- \
	  build-aux/taube-demo --cli "$(PREFIX)/bin/taube-cli" --app "$(PREFIX)/bin/taube"

check: build
	build-aux/run-tests $(BUILDDIR)

deps:
	@build-aux/install-deps

$(BUILDDIR)/build.ninja: | deps
	meson setup $(BUILDDIR) --prefix=$(PREFIX)

build: deps $(BUILDDIR)/build.ninja
	meson compile -C $(BUILDDIR)

install: build
	meson install -C $(BUILDDIR) --quiet

fuzz: deps
	build-aux/run-fuzzers

clean:
	rm -rf $(BUILDDIR) $(PREFIX)
