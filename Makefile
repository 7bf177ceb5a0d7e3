# alliance — see README.md. `make demo` runs the main job on the bundled data; `make test` runs the tests; `make gallery` redraws docs/gallery/.
SWIFT ?= swift
ALLIANCE := .build/release/alliance

.PHONY: deps build release demo test bench-csv bench-models bench-mixed bench-statfiles gallery clean-out

deps:
	@./Scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	@./Scripts/demo.sh $(ALLIANCE)

test: deps
	$(SWIFT) test

bench-csv: release
	./Benchmarks/csv.sh

bench-models: release
	./Benchmarks/models.sh

bench-mixed: release
	./Benchmarks/mixed.sh

bench-statfiles: release
	./Benchmarks/statfiles.sh

# Every plot type, drawn from Datasets/clinic.csv into docs/gallery/ (shown in docs/gallery.md).
gallery: release
	./Scripts/gallery.sh $(ALLIANCE)

clean-out:
	rm -rf out
