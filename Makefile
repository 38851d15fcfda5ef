# Two commands do everything; each sets up .venv on first use.
#   make demo   build the course, grade a demo class offline, print the grades and the report
#   make test   run the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test build setup clean

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	# the "python3" Jupyter kernel that nbgrader runs notebooks with, inside .venv
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (workbook)"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/workbook demo

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

build: $(STAMP)
	$(VENV)/bin/workbook build

clean:
	rm -rf $(VENV) demo-course autograded feedback submitted gradebook.db
