# SPDX-License-Identifier: GPL-2.0
# pmguard: build the module (kernel external-module conventions) and the reader.
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
DOCDIR ?= $(PREFIX)/share/doc/pmguard
# systemd reads units from /usr/local/lib/systemd/system and
# /usr/local/lib/tmpfiles.d too; Debian packages use /lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
# The DKMS source tree (pmguard-dkms, `make dkms`).
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRCDIR ?= /usr/src/pmguard-$(VERSION)

.PHONY: all module userland clean check setup corpus bench
.PHONY: install uninstall dkms-source dkms dkms-remove deb demo check-packaging systemd-vm server

all: module userland

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userland:
	$(MAKE) -C userland

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C userland clean
	rm -rf .build/deb .build/pkg

# Installs every Debian package the tests need (root, Debian 12).
setup:
	tests/setup.sh

# The one test command: static checks, userland unit tests, KUnit and the
# VM scenarios on every kernel.  KERNELS= and SCENARIOS= narrow it down.
check:
	tests/check.sh

# Detection corpus in the VM: pmguard's verdict per attack and benign case
# next to what the KQL, Tracee and Falco rules conclude (tests/corpus/).
corpus:
	tests/corpus/run

# Overhead and event-rate benchmark in one VM boot; prints ratios.
bench:
	tests/bench/run

# ---------------------------------------------------------------- install
# `make install [DESTDIR=/staging] [PREFIX=/usr/local]`: the reader, the
# systemd units, module options, the policy, logrotate, the man page and the
# uapi header.  Files under $(SYSCONFDIR) that exist already are the admin's:
# they are kept (the new version is installed next to them as FILE.new).
# The module itself is installed by DKMS (`make dkms`, or pmguard-dkms).
define install_conf # SRC DEST
	@if [ -e "$(2)" ] && ! cmp -s "$(1)" "$(2)"; then \
		install -m 0644 "$(1)" "$(2).new"; \
		echo "keeping $(2) (new version: $(2).new)"; \
	else \
		install -D -m 0644 "$(1)" "$(2)"; \
	fi
endef

DOC_FILES := $(wildcard docs/*.md)
DOC_EXAMPLES := $(wildcard docs/examples/*.py)
DOC_SIEM := $(wildcard docs/siem/*.kql docs/siem/*.yaml docs/siem/*.conf)

SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    -e 's|@VERSION@|$(VERSION)|g'

install: userland
	install -D -m 0755 userland/pmguard "$(DESTDIR)$(SBINDIR)/pmguard"
	install -d "$(DESTDIR)$(SYSCONFDIR)/pmguard"
	$(call install_conf,userland/policy.conf,$(DESTDIR)$(SYSCONFDIR)/pmguard/policy.conf)
	install -d "$(DESTDIR)$(SYSTEMDUNITDIR)" "$(DESTDIR)$(TMPFILESDIR)"
	$(SUBST) packaging/systemd/pmguard.service.in >"$(DESTDIR)$(SYSTEMDUNITDIR)/pmguard.service"
	$(SUBST) packaging/systemd/pmguard-policy.service.in >"$(DESTDIR)$(SYSTEMDUNITDIR)/pmguard-policy.service"
	chmod 0644 "$(DESTDIR)$(SYSTEMDUNITDIR)"/pmguard*.service
	install -m 0644 packaging/etc/tmpfiles-pmguard.conf "$(DESTDIR)$(TMPFILESDIR)/pmguard.conf"
	install -d "$(DESTDIR)$(SYSCONFDIR)/modules-load.d" "$(DESTDIR)$(SYSCONFDIR)/modprobe.d" \
		"$(DESTDIR)$(SYSCONFDIR)/logrotate.d" "$(DESTDIR)$(SYSCONFDIR)/default"
	$(call install_conf,packaging/etc/modules-load.d-pmguard.conf,$(DESTDIR)$(SYSCONFDIR)/modules-load.d/pmguard.conf)
	$(call install_conf,packaging/etc/modprobe.d-pmguard.conf,$(DESTDIR)$(SYSCONFDIR)/modprobe.d/pmguard.conf)
	$(call install_conf,packaging/etc/logrotate-pmguard,$(DESTDIR)$(SYSCONFDIR)/logrotate.d/pmguard)
	$(call install_conf,packaging/etc/default-pmguard,$(DESTDIR)$(SYSCONFDIR)/default/pmguard)
	install -D -m 0644 docs/pmguard.8 "$(DESTDIR)$(MANDIR)/man8/pmguard.8"
	install -D -m 0644 uapi/linux/pmguard.h "$(DESTDIR)$(INCLUDEDIR)/linux/pmguard.h"
	install -d "$(DESTDIR)$(DOCDIR)/examples" "$(DESTDIR)$(DOCDIR)/siem"
	$(if $(DOC_FILES),install -m 0644 $(DOC_FILES) "$(DESTDIR)$(DOCDIR)/")
	$(if $(DOC_EXAMPLES),install -m 0755 $(DOC_EXAMPLES) "$(DESTDIR)$(DOCDIR)/examples/")
	$(if $(DOC_SIEM),install -m 0644 $(DOC_SIEM) "$(DESTDIR)$(DOCDIR)/siem/")

# Removes what `make install` put there.  Configuration files are removed
# only if they are unchanged; an edited policy.conf is always kept.
uninstall:
	rm -f "$(DESTDIR)$(SBINDIR)/pmguard" \
		"$(DESTDIR)$(SYSTEMDUNITDIR)/pmguard.service" \
		"$(DESTDIR)$(SYSTEMDUNITDIR)/pmguard-policy.service" \
		"$(DESTDIR)$(TMPFILESDIR)/pmguard.conf" \
		"$(DESTDIR)$(MANDIR)/man8/pmguard.8" \
		"$(DESTDIR)$(INCLUDEDIR)/linux/pmguard.h"
	rm -rf "$(DESTDIR)$(DOCDIR)"
	@for f in modules-load.d/pmguard.conf:packaging/etc/modules-load.d-pmguard.conf \
		 modprobe.d/pmguard.conf:packaging/etc/modprobe.d-pmguard.conf \
		 logrotate.d/pmguard:packaging/etc/logrotate-pmguard \
		 default/pmguard:packaging/etc/default-pmguard \
		 pmguard/policy.conf:userland/policy.conf; do \
		dst="$(DESTDIR)$(SYSCONFDIR)/$${f%%:*}"; src=$${f#*:}; \
		rm -f "$$dst.new"; \
		if [ ! -e "$$dst" ]; then :; \
		elif cmp -s "$$src" "$$dst"; then rm -f "$$dst"; \
		else echo "keeping modified $$dst"; fi; \
	done
	-rmdir "$(DESTDIR)$(SYSCONFDIR)/pmguard" 2>/dev/null

# ---------------------------------------------------------------- DKMS
# The source tree DKMS builds: dkms.conf, Kbuild, module/, uapi/.
dkms-source:
	install -D -m 0644 dkms.conf "$(DESTDIR)$(DKMS_SRCDIR)/dkms.conf"
	install -m 0644 Kbuild "$(DESTDIR)$(DKMS_SRCDIR)/Kbuild"
	install -d "$(DESTDIR)$(DKMS_SRCDIR)/module" "$(DESTDIR)$(DKMS_SRCDIR)/uapi/linux"
	install -m 0644 module/Kbuild module/*.c module/*.h "$(DESTDIR)$(DKMS_SRCDIR)/module/"
	install -m 0644 uapi/linux/pmguard.h "$(DESTDIR)$(DKMS_SRCDIR)/uapi/linux/"

# On a real host, as root: register, build and install for the running
# kernel (needs its headers: apt install linux-headers-$$(uname -r)).
dkms: dkms-source
	dkms add -m pmguard -v $(VERSION) || dkms status -m pmguard -v $(VERSION) | grep -q .
	dkms install -m pmguard -v $(VERSION)

dkms-remove:
	dkms remove -m pmguard -v $(VERSION) --all
	rm -rf "$(DKMS_SRCDIR)"

# ---------------------------------------------------------------- packages
# .build/deb/pmguard-dkms_VERSION-1_all.deb and pmguard_VERSION-1_ARCH.deb
deb:
	packaging/build-deb

# ---------------------------------------------------------------- demo, tests
# First run: QEMU guest with the module, an attack replay and a debugger
# session, events streamed here (root, Debian 12; host kernel untouched).
demo:
	tests/demo/run

# DKMS builds against the cached 5.10/6.1/6.12/7.3 headers, make install/uninstall,
# the packages (dpkg --root, lintian), systemd-analyze, man page, SIEM rule.
check-packaging:
	tests/packaging/run

# The installed units under systemd (PID 1) in a QEMU guest; journald check.
systemd-vm:
	tests/packaging/systemd-vm

# A real Debian 12 server (systemd, sshd, cron, ...) in QEMU: the ordinary
# workload and the positive controls in audit and enforce mode, the
# recovery boots on the first kernel (tests/server/README.md).
SERVER_KERNELS ?= 6.1 7.3
server:
	@rc=0; first=--recovery; for k in $(SERVER_KERNELS); do \
		tests/server/run --kernel $$k $$first || rc=1; first=; \
	done; exit $$rc
