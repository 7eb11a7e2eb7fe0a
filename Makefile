# briefpub — build the brief's editions.
#
#   make                 set everything up and build all editions
#   make test            run the test suite
#   make html            HTML editions of every language   (make html-uk: one)
#   make gettext         extract the source's messages into _build/gettext
#   make update-po       bring locale/*/LC_MESSAGES/*.po up to date
#
# The Makefile makes its own virtual environment in .venv.  The language
# variable is called L (never LANG or LANGUAGE: those are locale settings of
# the environment and would leak in).

PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
BRIEFPUB := $(BIN)/briefpub
STAMP   := $(VENV)/.installed

.PHONY: all setup system html gettext update-po test clean distclean

# $(call need,COMMAND,DEBIAN-PACKAGE): stop with a clear message when a
# system program is missing.
need = @command -v $(1) >/dev/null 2>&1 || { \
	echo "briefpub: '$(1)' is missing: install the Debian package '$(2)' (sudo apt-get install $(2))" >&2; exit 2; }

all: html

# --- set-up ---------------------------------------------------------------

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(call need,$(PYTHON),python3)
	@$(PYTHON) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	echo "briefpub: $(PYTHON) must be Python 3.11 or newer with venv: install the Debian package 'python3-venv'" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# Programs the tests use besides Python: msgfmt checks catalogs as gettext does.
system:
	$(call need,msgfmt,gettext)

# --- catalogs -------------------------------------------------------------

gettext: $(STAMP)
	$(PY) -m sphinx --builder gettext --fail-on-warning --quiet docs _build/gettext

update-po: gettext
	$(BRIEFPUB) update

# --- editions -------------------------------------------------------------

html: $(STAMP)
	$(BRIEFPUB) build --format html

html-%: $(STAMP)
	$(BRIEFPUB) build --format html --lang $*

# --- tests ----------------------------------------------------------------

test: $(STAMP) system
	$(PY) -m pytest

clean:
	rm -rf _build

distclean: clean
	rm -rf $(VENV)
