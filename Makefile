# SPDX-License-Identifier: GPL-2.0
# pmguard: build the module (kernel external-module conventions) and the reader.
KDIR ?= /lib/modules/$(shell uname -r)/build
PREFIX ?= /usr/local

.PHONY: all module userland clean check setup corpus bench

all: module userland

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userland:
	$(MAKE) -C userland

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	$(MAKE) -C userland clean

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
