#!/bin/sh
# seed.sh -- rebuild the seed corpora of tests/fuzz/corpus/ from the
# project's own inputs: the bundled criteria, the examples and the tests'
# fixtures.  NDJSON files are split into one seed per line, since every
# harness takes one record.  Hand-written edge cases (edge-*) and the
# minimised corpus that came out of fuzzing (fuzz-min-*) are kept.
# Run from the repository root: sh tests/fuzz/seed.sh
set -eu
out=tests/fuzz/corpus
mkdir -p "$out/criteria" "$out/record"
find "$out/criteria" "$out/record" -type f ! -name 'edge-*' ! -name 'fuzz-min-*' -exec rm -f {} +

# name: path with '/' turned into '_'
seed() {
    cp "$1" "$2/$(printf '%s' "$1" | tr '/' '_')"
}

for f in criteria/*.yaml $(find tests/data tests/bad-input -name '*.yaml' -o -name '*.yml' | sort); do
    seed "$f" "$out/criteria"
done
for f in examples/*.json $(find tests/data tests/bad-input -name '*.json' | sort); do
    seed "$f" "$out/record"
done
for f in examples/*.ndjson $(find tests/data tests/bad-input -name '*.ndjson' -o -name '*.jsonl' | sort); do
    base=$(printf '%s' "$f" | tr '/' '_')
    n=0
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        [ -n "$line" ] && printf '%s\n' "$line" > "$out/record/$base.$n"
    done < "$f"
done
echo "seeds: $(ls "$out/criteria" | wc -l) criteria, $(ls "$out/record" | wc -l) record"
