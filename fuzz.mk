# fuzz.mk - fuzzing, hardening checks, clang-tidy and valgrind
#
# Included by the Makefile (it supplies LIB_SRC, WARN, CPPFLAGS, PKG_*).
#
#   make fuzz          build every tests/fuzz/fuzz_*.c into build-fuzz/
#   make fuzz-smoke    run each target FUZZ_TIME seconds (default 20) from
#                      its committed seed corpus; any crash fails
#   make fuzz-long     the same with FUZZ_TIME=300 (docs/RELIABILITY.md)
#   make hardening     readelf checks of the release binary's flags
#   make tidy          clang-tidy with .clang-tidy over the tree
#   make valgrind      the integration tests under valgrind memcheck
#   make fault         the fault tests of tests/fault/, full counts
#                      (about 5 minutes)
#   make fault-ci      the same with CI's shorter counts (FT_QUICK=1)

FUZZ_BUILD = build-fuzz
FUZZ_CC ?= clang
FUZZ_TIME ?= 20
# -fsanitize=fuzzer-no-link instruments the library; only the target
# binaries link libFuzzer's main.
FUZZ_OPT = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=undefined
# -Werror stays with the gcc build: a clang-only warning in code under
# construction must not stop the fuzzers from building.
FUZZ_CFLAGS = $(filter-out -Werror,$(WARN)) $(FUZZ_OPT) $(PKG_CFLAGS)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ = $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LIB = $(FUZZ_BUILD)/libdiemtua-fuzz.a

.PHONY: fuzz fuzz-smoke fuzz-long hardening tidy valgrind fault fault-ci

fuzz: deps
	@tests/fuzz/deps.sh
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(say) "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(say) "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(say) "  LD      $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $< \
	    $(FUZZ_EXTRA) $(FUZZ_LIB) $(PKG_LIBS)

# The grammar and USSD targets run on the handler tests' fixture data.
$(FUZZ_BUILD)/fuzz_sms: $(FUZZ_BUILD)/obj/tests/support/member_fixture.o
$(FUZZ_BUILD)/fuzz_sms: FUZZ_EXTRA = $(FUZZ_BUILD)/obj/tests/support/member_fixture.o
$(FUZZ_BUILD)/fuzz_ussd: $(FUZZ_BUILD)/obj/tests/support/member_fixture.o
$(FUZZ_BUILD)/fuzz_ussd: FUZZ_EXTRA = $(FUZZ_BUILD)/obj/tests/support/member_fixture.o

fuzz-smoke: fuzz
	@tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_BIN)

fuzz-long: fuzz
	@tests/fuzz/run.sh 300 $(FUZZ_BIN)

hardening: $(BIN)
	@scripts/check-hardening.sh $(BIN)

# The modules and the fuzzers with every check of .clang-tidy; the tests
# and their support with five checks off (see .clang-tidy).
TIDY_SRC = $(wildcard $(addsuffix /*.c,$(MODULES)) tests/fuzz/*.c)
TIDY_TEST_SRC = $(wildcard tests/unit/*.c tests/integration/*.c \
                tests/support/*.c)
TIDY_TEST_OFF = -bugprone-not-null-terminated-result,$\
-bugprone-suspicious-missing-comma,-clang-analyzer-core.NonNullParamChecker,$\
-bugprone-sizeof-expression,-clang-analyzer-deadcode.DeadStores
TIDY_ARGS = -- $(CPPFLAGS) -std=c11 $(PKG_CFLAGS) $(CMOCKA_CFLAGS)
tidy: deps
	@clang-tidy --quiet $(TIDY_SRC) $(TIDY_ARGS) 2>/dev/null
	@clang-tidy --quiet --checks='$(TIDY_TEST_OFF)' $(TIDY_TEST_SRC) \
	    $(TIDY_ARGS) 2>/dev/null
	@echo "tidy ok"

# The integration tests; while there are none, every test binary.
VALGRIND_SRC = $(or $(wildcard tests/integration/test_*.c),$(TEST_SRC))
VALGRIND_BIN = $(VALGRIND_SRC:%.c=$(BUILD)/%)
valgrind: deps
	@$(MAKE) --no-print-directory $(BIN) $(VALGRIND_BIN)
	@tests/fuzz/valgrind.sh $(VALGRIND_BIN)

# Each script prints its checks and "NAME: N passed, N failed"; all.sh
# runs each under FAULT_TIMEOUT (900 s) and sums up.
fault: deps
	@$(MAKE) --no-print-directory $(BIN) $(BUILD)/tests/tools/loggate
	@tests/fault/all.sh
fault-ci: deps
	@$(MAKE) --no-print-directory $(BIN) $(BUILD)/tests/tools/loggate
	@FT_QUICK=1 tests/fault/all.sh

-include $(FUZZ_LIB_OBJ:.o=.d) \
         $(FUZZ_SRC:%.c=$(FUZZ_BUILD)/obj/%.d)
