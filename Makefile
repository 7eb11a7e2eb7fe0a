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

.PHONY: all setup system system-build pango html epub pdf dist gettext update-po stats check benchmark test clean distclean

# The Debian packages briefpub needs are listed once, in .ci/system-packages:
# it names every missing one in one message, and installs them when make
# runs as root (as in CI); otherwise it prints the apt-get line and stops.
SYSTEM_PACKAGES := PYTHON=$(PYTHON) sh .ci/system-packages

all: dist

# --- set-up ---------------------------------------------------------------

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(SYSTEM_PACKAGES) build
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# System programs and libraries.  Pango renders the PDF editions; the tests
# also need Java (EPUBCheck, the Nu HTML Checker), msgfmt (catalogs as gettext
# reads them), pdftotext (PDFs read back), Node.js and npm (the validators of
# package.json) and Chromium (the HTML editions in a real browser).
system:
	@$(SYSTEM_PACKAGES) test

system-build pango:
	@$(SYSTEM_PACKAGES) build

# The validators the tests run on the editions (vnu-jar, axe-core, Ace by
# DAISY), as package-lock.json pins them; their install scripts are not
# needed, and Ace runs in the system's Chromium, so Puppeteer downloads no browser.
$(NODE_STAMP): package.json package-lock.json | system
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

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

test: system $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest

clean:
	rm -rf _build .dist-*

distclean: clean
	rm -rf $(VENV) dist node_modules
