/*
** fuzz.h -- what the fuzz harnesses share (tests/fuzz/).
**
** Each harness defines the libFuzzer entry points below.  Built with clang
** -fsanitize=fuzzer they run under libFuzzer (make fuzz); built with any
** compiler and replay_main.c they replay files (make fuzz-replay), so that
** CI checks every corpus file and every past crash under ASan and UBSan
** without needing clang.
*/
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "ts.h"
#include "vocab.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the bundled criteria are: $TS_FUZZ_CRITERIA, else the checkout's
** criteria/ (FUZZ_CRITERIA is set by the Makefile). */
const char *fuzz_criteria_dir(void);
/* The bundled vocabulary (concepts.yaml of fuzz_criteria_dir()), loaded
** for a harness's LLVMFuzzerInitialize; exits on failure.  The record
** reader does not change a vocabulary, so one serves every input. */
vocab *fuzz_vocab(void);
/* Read a whole file into a malloc'd, NUL-terminated buffer; exits on
** failure (a harness without its fixed inputs tests nothing). */
char *fuzz_slurp(const char *path, size_t *len);
/* Copy data into a fresh buffer with a NUL after it, as input.c does:
** cJSON and libyaml must never see an unterminated buffer. */
char *fuzz_copy(const uint8_t *data, size_t size);
/* A failed load or parse must say why: abort (a finding) if it does not. */
void fuzz_check_error(const ts_error *err, const char *what);

#endif
