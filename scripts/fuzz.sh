#!/usr/bin/env bash
# Fuzzes each parser of the collector with Jazzer (coverage-guided) for the time its @FuzzTest names
# (60 s), one JVM per target (libFuzzer fuzzes one target per process). New corpus entries go to
# collector/.cifuzz-corpus/; a finding is written next to the checked-in corpus
# (collector/src/test/resources/.../<Class>Inputs/<method>/crash-…), fails this script, and from then on
# replays in every build as a regression test. Usage: scripts/fuzz.sh [Class#method ...]
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(
    JournalParsersFuzzTest#journalExportFormat
    JournalParsersFuzzTest#journalctlJson
    DiskSamplesFuzzTest#diskSamples
    LineSplitterFuzzTest#linesWhateverTheChunking
    InventoryParserFuzzTest#inventoryYaml
  )
fi

# The fuzz runs below start from the collector alone: its dependencies must be in the local repository.
mvn -B -ntp -q -pl collector -am install -DskipTests

failed=()
for target in "${targets[@]}"; do
  echo "== fuzzing $target"
  log="collector/target/fuzz-${target//#/-}.log"
  mkdir -p collector/target
  if JAZZER_FUZZ=1 mvn -B -ntp -q -pl collector surefire:test -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
  else
    echo "   FINDING or failure: see $log"
    grep -E 'Finding|Exception|crash-' "$log" | head -5 || true
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} of ${#targets[@]} targets passed"
