// See include/show_help.h for why this file defines one of Open MPI's own functions.
#include "show_help.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int orte_show_help_norender(const char *filename, const char *topic, bool want_error_header, const char *output) {
    (void)filename;   // the text comes rendered; its file and topic only name it for mpirun's folding
    (void)topic;
    (void)want_error_header;
    if (output == NULL) return 0;
    size_t left = strlen(output);
    while (left > 0) {
        ssize_t written = write(STDERR_FILENO, output, left);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) break;
        output += written;
        left -= (size_t)written;
    }
    return 0;
}
