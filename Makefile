# diemtua - GNU Make + pkg-config
#
#   make            build build/diemtua (warnings are errors)
#   make test       install missing packages, build and run every test
#   make asan       the same tests under AddressSanitizer + UBSan
#   make lint       cppcheck, clang-format check, banned-call check
#   make run        build, create the demo database, serve it (log provider)
#   make browser    the officers' console in headless Chromium (screenshots)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: a new .c file in a module folder is built
# into the library, a new tests/*/test_*.c becomes a test binary.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
SAN ?=
CC ?= cc
PKG_CONFIG ?= pkg-config

PKGS = libmicrohttpd libcurl sqlite3 libsodium libutf8proc libcrypto jansson
# Evaluated when used, so `make test` can install packages first.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lpthread
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

WARN = -std=c11 -Wall -Wextra -Wpedantic -Werror -Wformat=2 -Wshadow \
       -Wpointer-arith -Wcast-qual -Wstrict-prototypes -Wmissing-prototypes \
       -Wold-style-definition -Wvla -Wwrite-strings -Wimplicit-fallthrough \
       -Wundef -Wnull-dereference -fno-common
# Pure code where every integer conversion should be deliberate.
STRICT = -Wconversion -Wsign-conversion
STRICT_DIRS = common text handlers

CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ifeq ($(SAN),1)
OPT = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
      -fno-omit-frame-pointer
LDOPT = -fsanitize=address,undefined
else
OPT = -O2 -g -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3 -fstack-protector-strong \
      -fstack-clash-protection -fcf-protection -fPIE
LDOPT = -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
endif
CFLAGS ?=
ALL_CFLAGS = $(WARN) $(OPT) $(CFLAGS) $(PKG_CFLAGS)

MODULES = common text config db handlers gateway console cli
LIB_SRC = $(filter-out cli/main.c,$(wildcard $(addsuffix /*.c,$(MODULES))))
LIB_OBJ = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB = $(BUILD)/libdiemtua.a
BIN = $(BUILD)/diemtua

SUPPORT_SRC = $(wildcard tests/support/*.c)
SUPPORT_OBJ = $(SUPPORT_SRC:%.c=$(BUILD)/%.o)
TEST_SRC = $(wildcard tests/unit/test_*.c tests/integration/test_*.c)
TEST_BIN = $(TEST_SRC:%.c=$(BUILD)/%)
# The log gate for shell tests (tests/support/log_gate.h).
TOOL_BIN = $(BUILD)/tests/tools/loggate
# Tests of the test tooling itself (the runner, the log gate's CLI).
SCRIPT_TESTS = $(wildcard tests/selftest/test_*.sh)

# V=1 shows the full commands.
ifeq ($(V),1)
Q =
say = @true
else
Q = @
say = @echo
endif

# Keep objects of test binaries between runs.
.SECONDARY:

.PHONY: all deps test check asan lint format format-check run demo-db browser \
        install clean bench bench-console e2e _test _asan

all: $(BIN)

deps:
	@scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) \
	    $(if $(filter $(STRICT_DIRS),$(firstword $(subst /, ,$<))),$(STRICT)) \
	    -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(say) "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(BIN): $(BUILD)/cli/main.o $(LIB)
	$(say) "  LD      $@"
	$(Q)$(CC) $(LDOPT) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(say) "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(SUPPORT_OBJ) $(LIB)
	$(say) "  LD      $@"
	$(Q)$(CC) $(LDOPT) -o $@ $< $(SUPPORT_OBJ) $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS)

# The test command of the README.
test: deps
	@$(MAKE) --no-print-directory _test
check: test

_test: $(BIN) $(TEST_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) tests/run.sh $(TEST_BIN) $(SCRIPT_TESTS)

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 _test

lint: deps
	cppcheck --quiet --error-exitcode=1 --std=c11 \
	    --enable=warning,portability,performance \
	    --suppress=missingIncludeSystem --inline-suppr -I. \
	    $(addsuffix /,$(MODULES)) tests/
	@$(MAKE) --no-print-directory format-check
	@scripts/check-banned.sh

FORMAT_SRC = $(wildcard $(addsuffix /*.[ch],$(MODULES)) tests/*/*.[ch])
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "format ok"

# The run command of the README: demo database, log provider, on
# BIND:PORT (make run PORT=8090 BIND=0.0.0.0, or from the environment).
PORT ?= 8080
BIND ?= 127.0.0.1
CONSOLE_PORT ?= 8081
run: deps
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/demo-db.sh $(BIN) $(BUILD)/demo.db config/demo.conf
	@echo "diemtua demo on http://$(BIND):$(PORT) (Ctrl-C stops it)"
	@echo "officers' console on http://$(BIND):$(CONSOLE_PORT)/ (user canbo, password demo-officer-2026)"
	PORT=$(PORT) BIND=$(BIND) CONSOLE_PORT=$(CONSOLE_PORT) $(BIN) serve --config config/demo.conf

demo-db: $(BIN)
	@scripts/demo-db.sh $(BIN) $(BUILD)/demo.db config/demo.conf

e2e: $(BIN) $(TOOL_BIN)
	@scripts/install-deps.sh --e2e
	tests/e2e/kannel.sh $(BIN)

browser: $(BIN)
	@scripts/install-deps.sh --browser
	tests/browser/run.sh $(BIN)

bench:
	@scripts/install-deps.sh --bench
	bench/run.sh

bench-console:
	@scripts/install-deps.sh --bench
	bench/console.sh

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/diemtua \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/diemtua
	install -m 644 config/diemtua.conf.example config/messages.conf \
	    config/phrases.conf \
	    $(DESTDIR)$(PREFIX)/share/diemtua/
	sed 's|@PREFIX@|$(PREFIX)|g' config/diemtua.service > \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/diemtua.service

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(BUILD)/cli/main.d $(SUPPORT_OBJ:.o=.d) \
         $(TEST_SRC:%.c=$(BUILD)/%.d)
-include fuzz.mk
