# trialscreen -- clinical-trial eligibility screener.
#
#   make            build ./trialscreen
#   make check      build and run every test
#   make deps       install the Debian packages the build needs (as root)
#   make install    install binary, man page and bundled criteria
#
# In a git checkout (developer and CI builds) warnings are errors; a
# release tarball builds without -Werror so that a newer compiler never
# breaks a user's build.  Override with WERROR=0 or WERROR=1.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/trialscreen
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config
PKGS     = yaml-0.1 libcjson

ifeq ($(wildcard .git),)
WERROR ?= 0
else
WERROR ?= 1
endif

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wwrite-strings -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN += -Werror
endif

# Recursive (=) so that pkg-config runs only when a recipe needs it, after
# "make deps" has had its chance to install the packages.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))
CMOCKA_CFLAGS = $(shell $(PKG_CONFIG) --cflags cmocka)
CMOCKA_LIBS   = $(shell $(PKG_CONFIG) --libs cmocka)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
             -Iinclude -Isrc $(PKG_CFLAGS) -DTS_DATADIR='"$(DATADIR)"' \
             $(SANITIZE_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANITIZE_FLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lpthread -lm

# The pipeline, one file per stage (see README "Layout").
CORE   = arena error timeutil units
READ   = jsondoc vocab vocabload yamldoc facts record
CRIT   = criteria rulesyntax
EVAL   = eval series derived events clock
OUT    = report input cli
LIB_MODULES = $(CORE) $(READ) $(CRIT) $(EVAL) $(OUT)
LIB_OBJS = $(LIB_MODULES:%=src/%.o)

HDRS = $(wildcard include/*.h src/*.h)

TESTS = test_timeutil test_units test_jsondoc test_record test_criteria \
        test_eval test_series test_derived test_events test_cli
TEST_BINS = $(TESTS:%=tests/%)

all: trialscreen

trialscreen: src/main.o $(LIB_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

src/%.o: src/%.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

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
tests/test_jsondoc: tests/test_jsondoc.o $(T_CORE) src/jsondoc.o
tests/test_record: tests/test_record.o $(T_READ)
tests/test_criteria: tests/test_criteria.o $(T_CRIT)
tests/test_eval: tests/test_eval.o $(T_EVAL)
tests/test_series: tests/test_series.o $(T_EVAL)
tests/test_derived: tests/test_derived.o $(T_EVAL)
tests/test_events: tests/test_events.o $(T_EVAL)
tests/test_cli: tests/test_cli.o $(T_CORE) trialscreen

$(TEST_BINS):
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(CMOCKA_LIBS) $(LIBS)

check: trialscreen $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do \
	    echo "== $$t"; ./$$t || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "make check: FAILED"; exit 1; fi; \
	echo "make check: all test programs passed"

# Install the Debian packages the build and the tests need, if missing.
deps:
	@missing=""; \
	for p in yaml-0.1:libyaml-dev libcjson:libcjson-dev cmocka:libcmocka-dev; do \
	    pc=$${p%%:*}; pkg=$${p#*:}; \
	    command -v $(PKG_CONFIG) >/dev/null 2>&1 && $(PKG_CONFIG) --exists $$pc || missing="$$missing $$pkg"; \
	done; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	command -v $(CC) >/dev/null 2>&1 || missing="$$missing gcc make"; \
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

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/trialscreen $(DESTDIR)$(MANDIR)/man1/trialscreen.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -f trialscreen src/*.o tests/*.o $(TEST_BINS)

.PHONY: all check deps install uninstall clean
