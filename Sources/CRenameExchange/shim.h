// renameat2(2), for `save(to:)`'s atomic replacement of a model directory (Bert,
// SaveDirectory.swift). glibc declares it in <stdio.h> only under _GNU_SOURCE, which Swift's
// Glibc module is not built with, so Swift cannot see it; glibc >= 2.28 exports the symbol
// (Debian 12 has 2.36). The flag values are the kernel's, from <linux/fs.h>.
#ifndef BERT_KERNEL_RENAME_EXCHANGE_H
#define BERT_KERNEL_RENAME_EXCHANGE_H
#ifdef __linux__
#include <fcntl.h>

#define BK_RENAME_NOREPLACE (1U << 0)
#define BK_RENAME_EXCHANGE (1U << 1)

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

/// Atomically swaps the two paths (both must exist), or fails with errno set.
static inline int bk_rename_exchange(const char *first, const char *second) {
    return renameat2(AT_FDCWD, first, AT_FDCWD, second, BK_RENAME_EXCHANGE);
}

/// Renames `from` to `to` only if `to` does not exist (EEXIST otherwise), in one step.
static inline int bk_rename_noreplace(const char *from, const char *to) {
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, BK_RENAME_NOREPLACE);
}
#endif
#endif
