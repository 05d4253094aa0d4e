# SPDX-License-Identifier: GPL-3.0-or-later
#
# The two commands:
#   make run    install what is missing, build, and start Taube
#   make check  the same set-up, then every test suite
# Both work on a fresh Debian 12 machine (as root or with sudo) and are quick when warm.

BUILDDIR ?= _build
PREFIX   := $(CURDIR)/_install

.PHONY: run check deps build install fuzz clean

run: install
	XDG_DATA_DIRS="$(PREFIX)/share:$${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
	GSETTINGS_SCHEMA_DIR="$(PREFIX)/share/glib-2.0/schemas" \
	  "$(PREFIX)/bin/taube"

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
