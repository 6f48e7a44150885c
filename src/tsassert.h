/*
** tsassert.h -- ts_assert, the internal invariants checked in the
** hardening builds.
**
** The evaluator's results obey rules that no input can break: a truth
** value is one of not met, unknown, met; a met result's certain since is
** not before its possible since; an enrolment window does not close before
** it opens (src/invariants.h spells them out).  A broken one is a bug in
** trialscreen, never a user's error, so it is not a diagnostic: ts_assert
** names the file and line of the check on stderr and aborts, which the
** sanitizer and fuzz builds (make check-asan, fuzz-replay, fuzz; built
** with -DTS_ASSERTS) turn into a failed test with a stack.  In the normal
** build ts_assert compiles to nothing: the condition is type-checked but
** never evaluated, so a check may walk a tree without slowing a screen.
*/
#ifndef TSASSERT_H
#define TSASSERT_H

#ifdef TS_ASSERTS
/* Print "trialscreen: FILE:LINE: internal error: invariant 'EXPR' broken"
** and abort (error.c). */
void ts_assert_fail(const char *expr, const char *file, int line)
    __attribute__((noreturn));
#define ts_assert(cond) \
    ((cond) ? (void)0 : ts_assert_fail(#cond, __FILE__, __LINE__))
#else
#define ts_assert(cond) ((void)sizeof((cond) ? 1 : 0))
#endif

#endif
