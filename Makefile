# SPDX-License-Identifier: GPL-2.0
#
# kaio top-level Makefile.
#
#   make [module]            build kaio.ko against KERNEL=stock (default) or test
#   make module KDIR=<tree>  build against any prepared kernel tree
#   make selftests           build the userspace tests
#   make libkaio             build libkaio, libkaio-preload.so and libaio-kaio.a
#                            (64- and 32-bit) into build/libkaio/{64,32}
#   make bench               kaio against native AIO, side by side, on the stock kernel
#                            in QEMU (bench/bench; BENCH_ARGS="--quick", "--reps 7"):
#                            build/bench/results.md and plots; bench-build only builds
#   make mixed               the mixed-workload verifier, long (MIXED_OPS per thread,
#                            default 20000), both backends, in QEMU on the stock kernel
#   make reliability         build the stress load and the fuzzer into build/reliability
#   make stress DURATION=s   the stress load (reliability/run-stress), native and kaio,
#                            64- and 32-bit, in QEMU on KERNEL=test (the debug kernel,
#                            default) or stock; DURATION in seconds (default 60)
#   make fuzz DURATION=s     the fuzzer (reliability/run-fuzz) the same way; SEED=n
#                            replays a run
#   make races ROUNDS=n      selftests/race_test with n rounds per race (default 1000),
#                            both backends, 64- and 32-bit, on KERNEL=test (default)
#   make reload CYCLES=n     selftests/reload-stress: n load/use/unload cycles (default
#                            100), rmmod refused while in use; then selftests/load-faults:
#                            every fault point of the module's load; on the debug kernel
#   make coverage            line and branch coverage of kaio.ko (gcov build on the
#                            debug kernel) over what make check runs in the guest;
#                            STRESS=s FUZZ=s add the long runs; build/coverage/
#   make check               run everything (installs packages, builds the test
#                            kernel if needed, boots QEMU); ends "N passed, N failed"
#   make run                 the demo, on Debian's stock kernel in QEMU
#   make clean
#
# Module objects go to build/<kernel>/ (never into the source tree), so the
# test-kernel and stock builds can coexist.

SHELL := /bin/bash
KAIO_SRC := $(CURDIR)

KERNEL ?= stock
ifeq ($(origin KDIR),undefined)
  ifeq ($(KERNEL),test)
    KDIR := $(shell $(KAIO_SRC)/qemu/build-kernel)
  else ifeq ($(KERNEL),stock)
    KDIR := $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
  else
    $(error KERNEL must be test or stock (or pass KDIR=<tree>))
  endif
  BUILD ?= build/$(KERNEL)
else
  BUILD ?= build/kdir-$(shell echo '$(abspath $(KDIR))' | sha256sum | cut -c1-8)
endif

.PHONY: all module selftests libkaio reliability stress fuzz races reload coverage demo bench bench-build check run mixed clean help
all: module

# build/<kernel>/Kbuild points kbuild's $(src) back at the source tree, so
# every object lands in $(BUILD).  A build that prints any warning fails.
module:
	@test -n "$(KDIR)" && test -d "$(KDIR)" || \
		{ echo "no kernel tree: KDIR='$(KDIR)' (apt-get install linux-headers-amd64?)" >&2; exit 1; }
	@mkdir -p $(BUILD)
	@# Objects depend on the tree's headers and config by paths inside the
	@# tree: a different tree (a new test-kernel build) means a clean start.
	@stamp="$(abspath $(KDIR)) $$(sha256sum < $(KDIR)/.config | cut -c1-16)"; \
	if [ -n "$$(ls -A $(BUILD))" ] && [ "$$(cat $(BUILD)/.kdir 2>/dev/null)" != "$$stamp" ]; then \
		echo "kernel tree or config changed: cleaning $(BUILD)"; \
		find $(BUILD) -mindepth 1 -delete; \
	fi; \
	echo "$$stamp" > $(BUILD)/.kdir
	@printf 'src := %s\ninclude $$(src)/Kbuild\n' '$(KAIO_SRC)' > $(BUILD)/Kbuild.new
	@cmp -s $(BUILD)/Kbuild.new $(BUILD)/Kbuild && rm $(BUILD)/Kbuild.new || mv $(BUILD)/Kbuild.new $(BUILD)/Kbuild
	@set -o pipefail; $(MAKE) -C $(KDIR) M=$(abspath $(BUILD)) modules 2>&1 | tee $(BUILD)/build.log
	@if grep -qi 'warning' $(BUILD)/build.log; then \
		echo "module build printed warnings (see $(BUILD)/build.log)" >&2; exit 1; fi

selftests:
	@$(MAKE) -C selftests O=$(abspath build/selftests)

libkaio:
	@$(MAKE) -C libkaio O=$(abspath build/libkaio)

demo:
	@$(MAKE) -C demo O=$(abspath build/demo)

reliability:
	@$(MAKE) -C reliability O=$(abspath build/reliability)

# The long runs boot the debug kernel unless KERNEL=stock is given.
DURATION ?= 60
SEED ?=
RUN_KERNEL := $(if $(filter command line,$(origin KERNEL)),$(KERNEL),test)
stress fuzz: reliability
	@$(MAKE) --no-print-directory module KERNEL=$(RUN_KERNEL)
	qemu/run --kernel $(RUN_KERNEL) --timeout $$(( $(DURATION) * 3 + 600 )) \
		--module build/$(RUN_KERNEL)/kaio.ko -- \
		reliability/run-$@ --duration $(DURATION) $(if $(SEED),--seed $(SEED)) build/reliability

ROUNDS ?= 1000
races: selftests
	@$(MAKE) --no-print-directory module KERNEL=$(RUN_KERNEL)
	qemu/run --kernel $(RUN_KERNEL) --timeout $$(( $(ROUNDS) * 10 + 600 )) \
		--module build/$(RUN_KERNEL)/kaio.ko -- \
		sh -c 'for t in race_test race_test_32; do \
			KAIO_RACE_ROUNDS=$(ROUNDS) build/selftests/$$t || exit 1; done'

CYCLES ?= 100
reload: selftests
	@$(MAKE) --no-print-directory module KERNEL=$(RUN_KERNEL)
	qemu/run --kernel $(RUN_KERNEL) --timeout $$(( $(CYCLES) * 30 + 600 )) \
		--append srcutree.convert_to_big=1 --module build/$(RUN_KERNEL)/kaio.ko -- \
		sh -c 'selftests/reload-stress --rounds $(CYCLES) build/$(RUN_KERNEL)/kaio.ko \
			build/selftests/kaio-churn && \
		selftests/load-faults build/$(RUN_KERNEL)/kaio.ko build/selftests/kaio-load'

STRESS ?= 0
FUZZ ?= 0
coverage:
	reliability/coverage --stress $(STRESS) --fuzz $(FUZZ)

# make bench [BENCH_ARGS="--reps 7 --idle ''"]: the side-by-side benchmark
# on the stock kernel (bench/bench); bench-build only builds it.
BENCH_ARGS ?=
bench-build: libkaio
	@$(MAKE) -C bench O=$(abspath build/bench)

bench: bench-build
	bench/bench $(BENCH_ARGS)

check:
	@scripts/check

MIXED_OPS ?= 20000
mixed: selftests
	@$(MAKE) --no-print-directory module KERNEL=stock
	qemu/run --kernel stock --module build/stock/kaio.ko -- \
		env KAIO_MIXED_OPS=$(MIXED_OPS) build/selftests/mixed_test

run: demo
	@$(MAKE) --no-print-directory module KERNEL=stock
	qemu/run --kernel stock -- build/demo/kaio-demo

clean:
	rm -rf build
