// Open MPI 4.1's help texts from a rank, written to the rank's own stderr (issue 20, a lost rank).
//
// A rank that finds a TCP peer gone (Open MPI's "peer hung up": a rank killed on another host)
// prints a help text through orte_show_help_norender (orte/util/show_help.c). In a rank that
// function sends the text to mpirun as a PMIx log request and sleeps until mpirun answers. mpirun,
// already ending the job for the same loss, need not answer: rank 0 then slept in that call, in
// the middle of an MPI_Test, until mpirun's SIGKILL, and never told the notebook why the cell
// failed (tests/mpi/test_two_hosts.py; seen in 7 of 9 runs on a busy machine).
//
// show_help.c defines orte_show_help_norender for the executable. The dynamic linker looks in the
// executable first, so libopen-rte's orte_show_help calls this one: it writes the text to stderr,
// as Open MPI's own does before its runtime is up, and returns. mpirun forwards a rank's stderr,
// so the text still reaches the terminal or the Jupyter server's log; what is lost is only
// mpirun's folding of the same text from many ranks into one ("N more processes have sent help
// message ..."). mpirun and orted are Open MPI's own programs and keep Open MPI's function.
#ifndef BERT_KERNEL_SHOW_HELP_H
#define BERT_KERNEL_SHOW_HELP_H

#include <stdbool.h>

/// Open MPI 4.1's declaration (orte/util/show_help.h); returns ORTE_SUCCESS (0).
int orte_show_help_norender(const char *filename, const char *topic, bool want_error_header, const char *output);

#endif
