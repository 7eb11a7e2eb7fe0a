# briefpub — build the brief's editions.
#
#   make                 set everything up, build all editions, publish them to dist/
#   make test            run the test suite
#   make dist            build every edition and publish them to dist/
#   make html            HTML editions of every language   (make html-uk: one)
#   make epub            ePub editions                      (make epub-uk: one)
#   make pdf             PDF editions                       (make pdf-uk: one)
#   make gettext         extract the source's messages into _build/gettext
#   make update-po       bring locale/*/LC_MESSAGES/*.po up to date
#   make stats           how far each language is translated
#   make check           what is wrong in the catalogs, as file:line: message
#   make preview-uk      serve one edition on localhost, rebuilt on every save
#   make benchmark       time briefpub against plain sphinx-build calls
#
# The Makefile makes its own virtual environment in .venv.  Languages can be
# chosen with L (make html L=uk,be; make check L=pl) — never LANG or LANGUAGE:
# those are locale settings of the environment and would leak in.

PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
BRIEFPUB := $(BIN)/briefpub
L       ?=
LANG_OPTION := $(if $(L),--lang $(L))
STAMP   := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: all setup system pango html epub pdf dist gettext update-po stats check benchmark test clean distclean

# $(call need,COMMAND,DEBIAN-PACKAGE): stop with a clear message when a
# system program is missing.
need = @command -v $(1) >/dev/null 2>&1 || { \
	echo "briefpub: '$(1)' is missing: install the Debian package '$(2)' (sudo apt-get install $(2))" >&2; exit 2; }

all: dist

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

# System programs and libraries.  Pango renders the PDF editions; the tests
# also need Java (EPUBCheck, the Nu HTML Checker), msgfmt (catalogs as gettext
# reads them), pdftotext (PDFs read back), Node.js and npm (the validators of
# package.json) and Chromium (the HTML editions in a real browser).
system: pango
	$(call need,msgfmt,gettext)
	$(call need,java,default-jre-headless)
	$(call need,pdftotext,poppler-utils)
	$(call need,node,nodejs)
	$(call need,npm,npm)
	$(call need,chromium,chromium)
	$(call need,chromedriver,chromium-driver)

# The validators the tests run on the editions (vnu-jar, axe-core, Ace by
# DAISY), as package-lock.json pins them; their install scripts are not
# needed, and Ace runs in the system's Chromium, so Puppeteer downloads no browser.
$(NODE_STAMP): package.json package-lock.json
	$(call need,npm,npm)
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

pango:
	@$(PYTHON) -c 'import ctypes.util, sys; sys.exit(not ctypes.util.find_library("pangoft2-1.0"))' || { \
	echo "briefpub: the Pango library is missing: install the Debian packages 'libpango-1.0-0' and 'libpangoft2-1.0-0'" >&2; exit 2; }

# --- catalogs -------------------------------------------------------------

gettext: $(STAMP)
	$(PY) -m sphinx --builder gettext --fail-on-warning --quiet docs _build/gettext

update-po: $(STAMP)
	$(BRIEFPUB) update $(LANG_OPTION)

stats: $(STAMP)
	$(BRIEFPUB) stats $(LANG_OPTION)

check: $(STAMP)
	$(BRIEFPUB) check $(LANG_OPTION)

preview-%: $(STAMP)
	$(BRIEFPUB) preview $*

# --- editions -------------------------------------------------------------

html epub: $(STAMP)
	$(BRIEFPUB) build --format $@ $(LANG_OPTION)

pdf: $(STAMP) pango
	$(BRIEFPUB) build --format $@ $(LANG_OPTION)

html-% epub-%: $(STAMP)
	$(BRIEFPUB) build --format $(firstword $(subst -, ,$@)) --lang $*

pdf-%: $(STAMP) pango
	$(BRIEFPUB) build --format pdf --lang $*

dist: $(STAMP) pango
	$(BRIEFPUB) dist

benchmark: $(STAMP) pango
	$(PY) benchmarks/build_speed.py
	$(PY) benchmarks/check_speed.py

# --- tests ----------------------------------------------------------------

test: $(STAMP) system $(NODE_STAMP)
	$(PY) -m pytest

clean:
	rm -rf _build .dist-*

distclean: clean
	rm -rf $(VENV) dist node_modules
