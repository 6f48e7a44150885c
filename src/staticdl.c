/*
** staticdl.c -- the dlopen SQLite is given in the static binary: one
** that always fails (Makefile, BIN_STATIC, -Wl,--wrap=dlopen).
**
** SQLite's unix VFS refers to dlopen for loading extensions, which
** trialscreen never does.  In a static program glibc's dlopen works only
** with the shared libraries of the very glibc it was linked with present
** at run time, and the linker says so in a warning at every build: a
** surprise for someone building the tool for the first time, about a
** call that is never made.  With the reference wrapped to this function
** there is nothing to warn about.  It fails as dlopen does when no
** library can be loaded; SQLite then asks dlerror, which has nothing to
** say, and reports that the extension could not be loaded.
*/
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

void *
__wrap_dlopen(const char *file, int mode)
{
    (void)file;
    (void)mode;
    return NULL;
}
