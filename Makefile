# trialscreen -- clinical-trial eligibility screener.
#
#   make            build ./trialscreen
#   make check      build and run every test
#   make deps       install the Debian packages the build needs (as root)
#   make install    install binary, man page and bundled criteria
#   make mutate     mutation testing: do the tests catch bugs? (slow; docs/testing.md)
#
# In a git checkout (developer and CI builds) warnings are errors; a
# release tarball builds without -Werror so that a newer compiler never
# breaks a user's build.  Override with WERROR=0 or WERROR=1.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/trialscreen
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config
PKGS     = yaml-0.1 sqlite3

ifeq ($(wildcard .git),)
WERROR ?= 0
else
WERROR ?= 1
endif

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wwrite-strings -Wformat=2 -Wno-format-nonliteral \
       -Wredundant-decls -Wconversion -Wundef -Wvla -Wcast-qual
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Recursive (=) so that pkg-config runs only when a recipe needs it, after
# "make deps" has had its chance to install the packages.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka)

# Link-time optimisation of the trialscreen binary (gcc only): the stages
# are many small files calling each other's small helpers, which only the
# whole-program view can inline (-2.3 % instructions, about -2 % time on
# the realistic cohort, docs/performance.md).  Objects are fat (machine
# code beside the IR), so the tests link them as plain objects without a
# link-time pass each; clang 14 has no fat objects and builds as before.
# "make LTO=" turns it off.
IS_GCC := $(shell $(CC) -v 2>&1 | grep -c '^gcc version')
ifeq ($(IS_GCC),1)
LTO ?= -flto=auto
endif
LTO_CFLAGS = $(if $(LTO),$(LTO) -ffat-lto-objects)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
             -Iinclude -Isrc -I$(CJSON_DIR) $(PKG_CFLAGS) -DTS_DATADIR='"$(DATADIR)"' \
             $(SANITIZE_FLAGS) $(LTO_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANITIZE_FLAGS) $(LDFLAGS)
# libyaml and SQLite are linked statically when their archives are
# installed (Debian's -dev packages ship them): two shared libraries fewer
# to map and bind at every start, a third of a one-record run's start-up
# work (docs/performance.md).  STATIC_LIBS= links everything shared.
STATIC_LIBS ?= yaml sqlite3
# Asked of the compiler once, at the first link (the eval makes it simple
# then), not when the Makefile is read: "make deps check" on a fresh
# machine installs the archives between the two.
static_archive = $(filter /%,$(shell $(CC) -print-file-name=lib$(1).a))
STATIC_FOUND = $(eval STATIC_FOUND := $(foreach l,$(STATIC_LIBS),$(if \
                   $(call static_archive,$(l)),-l$(l))))$(STATIC_FOUND)
comma := ,
EXT_LIBS = $(if $(STATIC_FOUND),-Wl$(comma)-Bstatic $(STATIC_FOUND) -Wl$(comma)-Bdynamic) \
           $(filter-out $(STATIC_FOUND),$(PKG_LIBS)) -lpthread -lm
LIBS = $(CJSON_OBJ) $(EXT_LIBS)

# cJSON is compiled in from vendor/cjson/: the release Debian 12 ships
# (1.7.15 with Debian's five security patches, vendor/cjson/README), so
# that the binary can be linked wholly statically (Debian ships no
# libcjson.a).  Its own flags: it is not our code, and our warnings are
# not its author's.
CJSON_DIR = vendor/cjson
CJSON_OBJ = $(CJSON_DIR)/cJSON.o
CJSON_CFLAGS = -std=c99 -Wall -Wextra $(SANITIZE_FLAGS) $(LTO_CFLAGS) $(CFLAGS)

# The binary is linked statically (glibc's libc.a and libm.a are in
# libc6-dev) when every archive is there and no sanitizer is asked for:
# no dynamic loader, no shared library to map, relocate and bind, which
# took a one-record run from 6.2 to 4.8 ms (docs/performance.md).
# STATIC= links it dynamically; make check-valgrind runs a dynamic twin,
# since valgrind replaces malloc only in a dynamically linked program.
STATIC ?= $(if $(and $(call static_archive,c),$(call static_archive,m),\
                $(STATIC_LIBS),\
                $(filter $(words $(STATIC_LIBS)),$(words $(STATIC_FOUND)))),1)
BIN_STATIC = $(if $(and $(STATIC),$(if $(SANITIZE_FLAGS),,1)),-static)
# SQLite's one reference to dlopen (extension loading, which trialscreen
# never asks for) goes to src/staticdl.c there: glibc's would have the
# linker warn at every build.
BIN_LIBS = $(if $(BIN_STATIC),-Wl$(comma)--wrap=dlopen src/staticdl.o $(CJSON_OBJ) \
               $(PKG_LIBS) -lpthread -lm,$(LIBS))

# The pipeline, one file per stage (see README "Layout").
CORE   = arena error timeutil units
READ   = jsondoc jsonbuild jsoncheck vocab vocabload yamldoc ydocpack bundled facts spans record recorditems warnings
CRIT   = rulenames criteria rulesyntax trialpick
EVAL   = result leaf eval series derived events clock total
OUT    = report decide outbuf diag input inputcrit caseload casetest coverage cli batch screen summary outfile progress
OUT   += recview replay replaywhen replayout replaysum
OUT   += merge
OUT   += html htmlgrid htmltimeline htmldir
FHIR   = fhirin fhirstore fhirmap records
TOOLS  = lint trialsview conceptsview
LIB_MODULES = $(CORE) $(READ) $(CRIT) $(EVAL) $(OUT) $(FHIR) $(TOOLS)
LIB_OBJS = $(LIB_MODULES:%=src/%.o)

HDRS = $(wildcard include/*.h src/*.h)

TESTS = test_timeutil test_units test_jsondoc test_record test_criteria \
        test_eval test_series test_derived test_events test_cli test_ecmo_rescue
TESTS += test_lint
TESTS += test_batch
TESTS += test_spans
TESTS += test_replay
TESTS += test_fhir
TESTS += test_total
TESTS += test_diag
TESTS += test_invariants
TESTS += test_html
TEST_BINS = $(TESTS:%=tests/%)
# The unit tests: cmocka programs that link the stages and never run the
# binary (a few seconds in all; "make check-unit", run first by check).
UNIT_TESTS = test_timeutil test_units test_jsondoc test_record test_criteria \
             test_eval test_series test_derived test_events test_ecmo_rescue \
             test_spans test_total test_diag test_invariants
UNIT_BINS = $(UNIT_TESTS:%=tests/%)

all: trialscreen

trialscreen: src/main.o $(LIB_OBJS) $(CJSON_OBJ) src/staticdl.o
	$(CC) $(ALL_LDFLAGS) $(BIN_STATIC) $(if $(LTO),$(LTO) $(filter -O%,$(CFLAGS))) \
	    -o $@ $(filter-out $(CJSON_OBJ) src/staticdl.o,$^) $(BIN_LIBS)

src/%.o: src/%.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(CJSON_OBJ): $(CJSON_DIR)/cJSON.c $(CJSON_DIR)/cJSON.h
	$(CC) $(CJSON_CFLAGS) -c -o $@ $<

# The bundled criteria parsed at build time and compiled in (ydocpack.h):
# start-up need not run libyaml over them.  bundlegen is a build tool.
BUNDLED_YAML = $(sort $(wildcard criteria/*.yaml))
src/bundlegen: src/bundlegen.o src/yamldoc.o src/ydocpack.o src/outbuf.o $(CORE:%=src/%.o) $(CJSON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter-out $(CJSON_OBJ),$^) $(LIBS)
src/bundled.c: src/bundlegen $(BUNDLED_YAML)
	./src/bundlegen $(BUNDLED_YAML) > $@.tmp && mv $@.tmp $@

tests/%.o: tests/%.c $(HDRS) $(wildcard tests/*.h)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -c -o $@ $<

# Each test links only the stages it exercises, so a stage under
# construction does not stop the others' tests from building.
T_CORE = $(CORE:%=src/%.o)
T_READ = $(T_CORE) $(READ:%=src/%.o)
T_CRIT = $(T_READ) $(CRIT:%=src/%.o)
T_EVAL = $(T_CRIT) $(EVAL:%=src/%.o)

tests/test_timeutil: tests/test_timeutil.o $(T_CORE)
tests/test_units: tests/test_units.o $(T_CORE)
tests/test_jsondoc: tests/test_jsondoc.o $(T_CORE) src/jsondoc.o src/jsonbuild.o src/jsoncheck.o
tests/test_record: tests/test_record.o $(T_READ)
tests/test_criteria: tests/test_criteria.o $(T_CRIT)
tests/test_eval: tests/test_eval.o $(T_EVAL)
tests/test_series: tests/test_series.o $(T_EVAL)
tests/test_derived: tests/test_derived.o $(T_EVAL)
tests/test_events: tests/test_events.o $(T_EVAL)
tests/test_spans: tests/test_spans.o $(T_EVAL)
tests/test_total: tests/test_total.o $(T_EVAL)
tests/test_invariants: tests/test_invariants.o $(T_EVAL)
tests/test_ecmo_rescue: tests/test_ecmo_rescue.o $(T_EVAL)
tests/test_diag: tests/test_diag.o $(T_CORE) src/outbuf.o src/diag.o
tests/test_cli: tests/test_cli.o tests/run.o $(T_CORE) trialscreen
tests/test_html: tests/test_html.o tests/run.o $(LIB_OBJS) trialscreen
tests/test_fhir: tests/test_fhir.o tests/run.o $(LIB_OBJS) trialscreen
tests/test_lint: tests/test_lint.o $(T_EVAL) src/report.o src/decide.o src/outbuf.o src/diag.o src/input.o src/inputcrit.o \
                 $(TOOLS:%=src/%.o) trialscreen

$(TEST_BINS): $(CJSON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter-out $(CJSON_OBJ),$(filter %.o,$^)) $(CMOCKA_LIBS) $(LIBS)

check: trialscreen $(TEST_BINS)
	@fail=0; for t in $(filter-out $(UNIT_BINS),$(TEST_BINS)); do \
	    echo "== $$t"; ./$$t || fail=1; \
	done; \
	echo "== tests/callgraph.sh"; \
	sh tests/callgraph.sh --self-test && sh tests/callgraph.sh || fail=1; \
	if [ $$fail -ne 0 ]; then echo "make check: FAILED"; exit 1; fi; \
	echo "make check: all test programs passed"

check-unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
	    echo "== $$t"; ./$$t || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "check-unit: FAILED"; exit 1; fi; \
	echo "check-unit: all unit test programs passed"

# "make check" runs the unit tests first and stops there if they fail:
# every other part of check is ordered after check-unit (only when check
# is asked for, so that "make check-lint" alone stays alone).
ifneq ($(filter check,$(MAKECMDGOALS)),)
CHECK_PARTS = check-completion check-bad-input check-cases check-lint \
              check-docs check-scaling check-xcheck check-fhir check-install
$(CHECK_PARTS): | check-unit
check: check-unit
endif

# Install the Debian packages the build and the tests need, if missing.
deps:
	@missing=""; \
	for p in yaml-0.1:libyaml-dev cmocka:libcmocka-dev sqlite3:libsqlite3-dev; do \
	    pc=$${p%%:*}; pkg=$${p#*:}; \
	    command -v $(PKG_CONFIG) >/dev/null 2>&1 && $(PKG_CONFIG) --exists $$pc || missing="$$missing $$pkg"; \
	done; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	command -v $(CC) >/dev/null 2>&1 || missing="$$missing gcc make"; \
	command -v parallel >/dev/null 2>&1 || missing="$$missing parallel"; \
	[ -x /usr/bin/time ] || missing="$$missing time"; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3"; \
	python3 -c 'import yaml' >/dev/null 2>&1 || missing="$$missing python3-yaml"; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	    $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "all build dependencies present"; fi

install: trialscreen
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/criteria
	cp trialscreen $(DESTDIR)$(BINDIR)/trialscreen
	cp docs/trialscreen.1 $(DESTDIR)$(MANDIR)/man1/trialscreen.1
	cp criteria/*.yaml $(DESTDIR)$(DATADIR)/criteria/
	mkdir -p $(DESTDIR)$(BASHCOMPDIR)
	cp completion/trialscreen.bash $(DESTDIR)$(BASHCOMPDIR)/trialscreen

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/trialscreen $(DESTDIR)$(MANDIR)/man1/trialscreen.1
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(BASHCOMPDIR)/trialscreen

clean:
	rm -f trialscreen trialscreen-dynamic src/*.o tests/*.o $(TEST_BINS) src/bundlegen src/bundled.c \
	    $(CJSON_OBJ)

# make install and make uninstall into a temporary DESTDIR (tests/install.sh):
# exactly the expected files, and none left after uninstall.
check: check-install
check-install: trialscreen
	@sh tests/install.sh '$(MAKE)'

.PHONY: all check check-unit check-install deps install uninstall clean

# ------------------------------------------------------------ hardening
# Fuzzing, sanitizers and valgrind (tests/fuzz/, tests/bad-input/,
# docs/troubleshooting.md).  Every build here has a directory of its own,
# so the normal objects in src/ and tests/ are never touched:
#
#   make fuzz [FUZZ_SECONDS=N]   clang + libFuzzer, each harness N seconds
#   make fuzz-replay             gcc + ASan/UBSan: replay corpora and crashes
#   make check-asan              the whole test suite built with ASan/UBSan
#   make check-valgrind          the CLI tests and the bad-input catalogue
#                                under valgrind

CLANG ?= clang
VALGRIND ?= valgrind
FUZZ_SECONDS ?= 60
FUZZ_FLAGS ?= -timeout=5 -rss_limit_mb=1024 -max_len=65536
FUZZERS = criteria record screen fhir
FUZZ_DIR = build-fuzz
REPLAY_DIR = build-replay
ASAN_DIR = build-asan
ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
# ts_assert (src/tsassert.h) checks the evaluator's invariants in these
# builds only; the normal build compiles it out.
ASSERT_FLAGS = -DTS_ASSERTS
HARNESS_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
                 -Iinclude -Isrc -Itests/fuzz -I$(CJSON_DIR) $(PKG_CFLAGS) \
                 -DTS_DATADIR='"$(DATADIR)"' \
                 -DFUZZ_CRITERIA='"$(CURDIR)/criteria"' $(ASSERT_FLAGS) -O1 -g
HARNESS_DEPS = $(HDRS) tests/fuzz/fuzz.h
FUZZ_LIB = $(LIB_MODULES:%=$(FUZZ_DIR)/%.o) $(FUZZ_DIR)/fuzz_util.o $(FUZZ_DIR)/cJSON.o
REPLAY_LIB = $(LIB_MODULES:%=$(REPLAY_DIR)/%.o) $(REPLAY_DIR)/fuzz_util.o $(REPLAY_DIR)/cJSON.o \
             $(REPLAY_DIR)/replay_main.o

$(FUZZ_DIR)/%.o: src/%.c $(HARNESS_DEPS)
	@mkdir -p $(FUZZ_DIR)
	$(CLANG) $(HARNESS_CFLAGS) $(ASAN_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_DIR)/%.o: tests/fuzz/%.c $(HARNESS_DEPS)
	@mkdir -p $(FUZZ_DIR)
	$(CLANG) $(HARNESS_CFLAGS) $(ASAN_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_DIR)/%-fuzzer: $(FUZZ_DIR)/fuzz_%.o $(FUZZ_LIB)
	$(CLANG) $(ASAN_FLAGS) -fsanitize=fuzzer -o $@ $^ $(EXT_LIBS)
$(FUZZ_DIR)/cJSON.o: $(CJSON_DIR)/cJSON.c $(CJSON_DIR)/cJSON.h
	@mkdir -p $(FUZZ_DIR)
	$(CLANG) -std=c99 -O1 -g $(ASAN_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(REPLAY_DIR)/%.o: src/%.c $(HARNESS_DEPS)
	@mkdir -p $(REPLAY_DIR)
	$(CC) $(HARNESS_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<
$(REPLAY_DIR)/%.o: tests/fuzz/%.c $(HARNESS_DEPS)
	@mkdir -p $(REPLAY_DIR)
	$(CC) $(HARNESS_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<
$(REPLAY_DIR)/%-replay: $(REPLAY_DIR)/fuzz_%.o $(REPLAY_LIB)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(EXT_LIBS)
$(REPLAY_DIR)/cJSON.o: $(CJSON_DIR)/cJSON.c $(CJSON_DIR)/cJSON.h
	@mkdir -p $(REPLAY_DIR)
	$(CC) -std=c99 -O1 -g $(ASAN_FLAGS) -c -o $@ $<

# The record and screen harnesses share their inputs.  New corpus
# entries go to tests/fuzz/corpus-run/ (not committed); crashes
# to $(FUZZ_DIR)/, to be minimised into tests/fuzz/regressions/.
fuzz: $(FUZZERS:%=$(FUZZ_DIR)/%-fuzzer)
	@for f in $(FUZZERS); do \
	    k=record; d=json; [ $$f = criteria ] && k=criteria && d=yaml; \
	    [ $$f = fhir ] && k=fhir; \
	    mkdir -p tests/fuzz/corpus-run/$$f; \
	    echo "== fuzz $$f for $(FUZZ_SECONDS) s"; \
	    ./$(FUZZ_DIR)/$$f-fuzzer -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) \
	        -dict=tests/fuzz/$$d.dict -artifact_prefix=$(FUZZ_DIR)/$$f- \
	        tests/fuzz/corpus-run/$$f tests/fuzz/corpus/$$k \
	        tests/fuzz/regressions/$$k || exit 1; \
	done

fuzz-replay: $(FUZZERS:%=$(REPLAY_DIR)/%-replay)
	@for f in $(FUZZERS); do \
	    k=record; [ $$f = criteria ] && k=criteria; [ $$f = fhir ] && k=fhir; \
	    ./$(REPLAY_DIR)/$$f-replay tests/fuzz/corpus/$$k \
	        tests/fuzz/regressions/$$k || exit 1; \
	done

# The bash completion (tests/completion.sh) is part of "make check".
check: check-completion
check-completion: trialscreen
	@bash tests/completion.sh ./trialscreen

# The bad-input catalogue is part of "make check": each case's exact
# stderr is compared with tests/bad-input/stderr/KIND-NAME.txt.  After a
# deliberate change of messages, "make bad-input-golden" rewrites those
# files (never run by check): review "git diff tests/bad-input/stderr/".
check: check-bad-input
check-bad-input: trialscreen
	@bash tests/bad-input/run.sh ./trialscreen
bad-input-golden: trialscreen
	@TS_GOLDEN=1 bash tests/bad-input/run.sh ./trialscreen

# The trial case files (docs/case-tests.md) are part of "make check".
check: check-cases
check-cases: trialscreen
	./trialscreen test tests/cases/

# A copy of the tree in $(ASAN_DIR)/ (objects kept between runs), built
# and checked there with the sanitizers.  The bad-input catalogue's time
# limit per run is 60 s there, not 10: a 200 MB line under ASan took over
# 10 s on a loaded machine; a hang is still caught.
check-asan:
	@mkdir -p $(ASAN_DIR)
	@tar -cf - --exclude=./.git --exclude='./build-*' --exclude='*.o' \
	    --exclude=./trialscreen --exclude='./tests/test_*[!c]' \
	    --exclude=./tests/fuzz/corpus-run . | tar -xf - -C $(ASAN_DIR)
	TS_TIME_LIMIT=$${TS_TIME_LIMIT:-60} \
	$(MAKE) -C $(ASAN_DIR) check WERROR=$(WERROR) CC='$(CC)' CFLAGS='-O1 -g' LTO= \
	    SANITIZE_FLAGS='$(ASAN_FLAGS) $(ASSERT_FLAGS)'

# The same tree built with clang in $(CLANG_DIR)/ (its own warnings, with
# -Werror), then the unit tests: two compilers see more than one.
CLANG_DIR = build-clang
check-clang:
	@mkdir -p $(CLANG_DIR)
	@tar -cf - --exclude=./.git --exclude='./build-*' --exclude='*.o' \
	    --exclude=./trialscreen --exclude='./tests/test_*[!c]' \
	    --exclude=./tests/fuzz/corpus-run . | tar -xf - -C $(CLANG_DIR)
	$(MAKE) -C $(CLANG_DIR) trialscreen $(TESTS:%=tests/%.o) bench/gencohort \
	    check-unit WERROR=1 CC='$(CLANG)'

# valgrind writes one log per process; any non-empty log fails the run.
VG_LOG = build-valgrind
VG_CMD = $(VALGRIND) -q --error-exitcode=1 --leak-check=full \
         --errors-for-leak-kinds=definite,indirect --log-file=$(CURDIR)/$(VG_LOG)/vg.%p.log
# valgrind replaces malloc only in a dynamically linked program: it runs
# trialscreen-dynamic, the same objects linked as STATIC= would.
trialscreen-dynamic: src/main.o $(LIB_OBJS) $(CJSON_OBJ)
	$(CC) $(ALL_LDFLAGS) $(if $(LTO),$(LTO) $(filter -O%,$(CFLAGS))) \
	    -o $@ $(filter-out $(CJSON_OBJ),$^) $(LIBS)
# The two halves run side by side: valgrind is slow, and there are 2 cores.
check-valgrind: trialscreen-dynamic tests/test_cli tests/test_fhir
	@rm -rf $(VG_LOG) && mkdir -p $(VG_LOG)
	@echo "== tests/test_cli and tests/bad-input under valgrind"
	@TRIALSCREEN_BIN='$(VG_CMD) ./trialscreen-dynamic' ./tests/test_cli \
	    > $(VG_LOG)/test_cli.out 2>&1 & pid=$$!; \
	TS_WRAPPER='$(VG_CMD)' bash tests/bad-input/run.sh ./trialscreen-dynamic; rc=$$?; \
	wait $$pid || { cat $(VG_LOG)/test_cli.out; rc=1; }; \
	grep -E 'PASSED|FAILED' $(VG_LOG)/test_cli.out; \
	TRIALSCREEN_BIN='$(VG_CMD) ./trialscreen-dynamic' ./tests/test_fhir \
	    > $(VG_LOG)/test_fhir.out 2>&1 || { cat $(VG_LOG)/test_fhir.out; rc=1; }; \
	grep -E 'PASSED|FAILED' $(VG_LOG)/test_fhir.out; \
	bad=$$(find $(VG_LOG) -name 'vg.*.log' -size +0c); \
	if [ -n "$$bad" ]; then cat $$bad; echo "check-valgrind: valgrind reported errors"; exit 1; fi; \
	[ $$rc -eq 0 ] || { echo "check-valgrind: FAILED"; exit 1; }; \
	echo "check-valgrind: $$(ls $(VG_LOG)/vg.*.log | wc -l) processes, no valgrind errors"

.PRECIOUS: $(FUZZ_DIR)/%.o $(REPLAY_DIR)/%.o
.PHONY: fuzz fuzz-replay check-bad-input bad-input-golden check-cases check-asan check-clang check-valgrind

# ------------------------------------------------------- lint and docs
# "trialscreen lint" on the bundled criteria must pass with exactly the
# warnings listed in tests/data/lint/bundled.expected, and docs/trials.md
# must be what "make docs" makes of the criteria today.

check: check-lint check-docs
check-lint: trialscreen
	@echo "== trialscreen lint (bundled criteria)"
	@out=$$(TRIALSCREEN_CRITERIA= ./trialscreen lint); rc=$$?; \
	printf '%s\n' "$$out" | sed '/^$$/d' | \
	    diff -u tests/data/lint/bundled.expected - || \
	    { echo "check-lint: lint output differs from tests/data/lint/bundled.expected"; exit 1; }; \
	if [ $$rc -ne 0 ]; then echo "check-lint: lint exited $$rc"; exit 1; fi

check-docs: trialscreen
	@./trialscreen trials --format markdown -c criteria | diff -u docs/trials.md - || \
	    { echo "check-docs: docs/trials.md is out of date: run 'make docs'"; exit 1; }

docs: trialscreen
	./trialscreen trials --format markdown -c criteria > docs/trials.md.tmp
	mv docs/trials.md.tmp docs/trials.md

.PHONY: check-lint check-docs docs

# ------------------------------------------------------------ batches
# tests/test_batch needs the cohort generator; the scaling recipes of
# docs/scaling.md are checked with GNU parallel (skipped without it);
# "make bench" measures speed and memory (docs/performance.md) and is
# not part of "make check".

BENCH_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
               -Iinclude -Isrc -I$(CJSON_DIR) $(PKG_CFLAGS) $(CFLAGS)
bench/gencohort: bench/gencohort.c
	$(CC) $(BENCH_CFLAGS) $(ALL_LDFLAGS) -o $@ $<
bench/parsefloor: bench/parsefloor.c src/input.o src/arena.o src/error.o $(CJSON_OBJ)
	$(CC) $(BENCH_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter-out $(CJSON_OBJ),$^) $(LIBS)
bench/writefloor: bench/writefloor.c
	$(CC) $(BENCH_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lpthread
tests/test_batch: tests/test_batch.o tests/run.o $(T_CORE) src/batch.o src/input.o src/outbuf.o trialscreen bench/gencohort
tests/test_replay: tests/test_replay.o tests/run.o $(T_EVAL) src/recview.o trialscreen bench/gencohort

check: check-scaling
check-scaling: trialscreen bench/gencohort
	@sh tests/scaling.sh ./trialscreen

bench: trialscreen bench/gencohort bench/parsefloor bench/writefloor
	@sh bench/run.sh

# The Slurm recipe of docs/scaling.md on a throw-away single-node cluster
# (tests/slurm/run.sh): installs slurm-wlm and munge if missing (as root),
# else skips with a message.  Not part of "make check"; .ci/run runs it.
check-slurm: trialscreen bench/gencohort
	@bash tests/slurm/run.sh ./trialscreen

.PHONY: bench check-scaling check-slurm

# ------------------------------------------------------------ cross-check
# An independent reference (tests/xcheck/ref.py, written from the design
# brief alone) against ./trialscreen on generated patients around every
# boundary; any difference fails.  Needs python3 (skipped without it).
check: check-xcheck
check-xcheck: trialscreen
	@if ! command -v python3 >/dev/null 2>&1; then \
	    echo "check-xcheck: skipped (python3 not installed)"; exit 0; fi; \
	out=$$(mktemp --suffix=.ndjson); \
	python3 tests/xcheck/gen.py 300 7 > $$out && \
	python3 tests/xcheck/gen.py scen 300 8 >> $$out && \
	python3 tests/xcheck/compare.py $$out --bin ./trialscreen > $$out.report; rc=$$?; \
	tail -n 2 $$out.report; \
	if [ $$rc -ne 0 ]; then cat $$out.report; fi; \
	rm -f $$out $$out.report; \
	[ $$rc -eq 0 ] || { echo "check-xcheck: trialscreen and the reference disagree"; exit 1; }

.PHONY: check-xcheck

# ------------------------------------------------------------ mutation
# tests/mutate.py applies each one-line mutation of tests/mutants.txt in a
# copy of the tree (build-mutate/, objects kept between runs), rebuilds and
# runs the fast tests; it reports the mutants no test kills
# (docs/testing.md).  Slow (about 20 s a mutant): not part of "make check".
#   make mutate [MUTANTS=FILE] [FILTER=REGEX]
MUTATE_DIR = build-mutate
mutate:
	python3 tests/mutate.py --dir $(MUTATE_DIR) \
	    $(if $(MUTANTS),--list '$(MUTANTS)') $(if $(FILTER),--filter '$(FILTER)')

.PHONY: mutate

# ------------------------------------------------------------ FHIR
# The records of examples/ and tests/cases/ written as FHIR (Bundles and a
# shuffled Bulk export) must screen exactly as the records do
# (tests/fhir/roundtrip.py, docs/fhir.md); the FHIR fixtures and the
# Synthea sample are in tests/test_fhir.c.

check: check-fhir
check-fhir: trialscreen
	@echo "== FHIR round trip (tests/fhir/roundtrip.py)"
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/ts-roundtrip.XXXXXX") && \
	    python3 tests/fhir/roundtrip.py ./trialscreen "$$d/work"; rc=$$?; \
	    rm -rf "$$d"; exit $$rc

.PHONY: check-fhir

# ------------------------------------------------------------ browser
# The HTML report in headless Chromium (tests/browser/check_html.py,
# docs/html.md "Testing in a browser"): examples, generated patients and
# hostile records rendered with --format html and --html-dir, each page
# screenshotted (not blank) and its DOM checked against --json, replay and
# the criteria files.  Not part of "make check" (it needs a browser);
# .ci/run runs "make deps-html check-html".  CHECK_HTML_FLAGS: e.g.
# "--keep DIR" to keep pages and screenshots, "--docs-img docs/img" to
# refresh the README's screenshots.
CHECK_HTML_FLAGS ?=
check-html: trialscreen bench/gencohort
	@echo "== HTML in headless Chromium (tests/browser/check_html.py)"
	@python3 tests/browser/check_html.py --bin ./trialscreen \
	    --gencohort bench/gencohort $(CHECK_HTML_FLAGS)

# What check-html needs beyond "make deps": Debian's chromium, a font so
# pages render text, PIL to decode screenshots.
deps-html:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	{ python3 -c 'import PIL' || /usr/bin/python3 -c 'import PIL'; } >/dev/null 2>&1 || missing="$$missing python3-pil"; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	    $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "all check-html dependencies present"; fi

.PHONY: check-html deps-html
