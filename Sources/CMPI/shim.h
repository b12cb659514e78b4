// Open MPI 4.1 (Debian libopenmpi-dev). Its handles are macros over the addresses of predefined
// globals (`#define MPI_COMM_WORLD OMPI_PREDEFINED_GLOBAL(MPI_Comm, ompi_mpi_comm_world)`),
// which Swift's importer cannot turn into values; these functions hand them out instead.
#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cmpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype cmpi_int(void) { return MPI_INT; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline MPI_Op cmpi_max(void) { return MPI_MAX; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }

// How a rank learns that mpirun is ending the job (issue 20, a lost rank): when a process dies,
// Open MPI 4.1's launcher sends every other process SIGCONT at once, SIGTERM
// `odls_base_sigkill_timeout` seconds later (default 1) and SIGKILL as long again after that
// (orte/mca/odls/base/odls_base_default_fns.c). A handler that only counts SIGCONT leaves that
// sequence as it is and lets a rank waiting in a collective notice within milliseconds. It also
// notes whether the launcher sent it (the parent: mpirun, or orted on another host): the launcher
// sends SIGCONT only to end the job (unless asked to forward job control, orte_forward_job_control),
// while a shell continuing a stopped job is another sender.
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t cmpi_continued = 0;
static volatile sig_atomic_t cmpi_continued_by_launcher = 0;

static void cmpi_on_continue(int signal_number, siginfo_t *info, void *context) {
    (void)signal_number;
    (void)context;
    cmpi_continued = 1;
    if (info != NULL && info->si_code == SI_USER && info->si_pid == getppid()) cmpi_continued_by_launcher = 1;
}

/// Installs `handler` for `signal_number`, with its sender, restarting interrupted system calls.
static inline void cmpi_handle(int signal_number, void (*handler)(int, siginfo_t *, void *)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | SA_SIGINFO;
    sigaction(signal_number, &action, NULL);
}

static inline void cmpi_watch_continue(void) { cmpi_handle(SIGCONT, cmpi_on_continue); }

static inline int cmpi_was_continued(void) { return cmpi_continued; }
static inline void cmpi_clear_continued(void) { cmpi_continued = 0; }
/// Whether a SIGCONT came from the launcher (never cleared: the job is ending).
static inline int cmpi_was_continued_by_launcher(void) { return cmpi_continued_by_launcher; }

// SIGTERM while a cell runs (issue 20): mpirun sends it `odls_base_sigkill_timeout` seconds after
// its SIGCONT, and SIGKILL as long again after. A step that computes for longer than that between
// two sums (a rank lost on another host is shown by no pid here, only by a sum that never ends)
// would be ended mid-cell, before rank 0 could tell the notebook. So while a cell runs the handler
// only counts it, and the next look (`MPIWorld.checkPeers`, before each layer, or `wait`) ends the
// cell with the loss, with SIGKILL's grace to send the reply. Outside a cell SIGTERM keeps its
// default action: the handler restores it and raises the signal again, which is delivered as soon
// as the handler returns (signal and raise are async-signal-safe).
static volatile sig_atomic_t cmpi_terminated = 0;
static volatile sig_atomic_t cmpi_in_cell = 0;

static void cmpi_on_terminate(int signal_number, siginfo_t *info, void *context) {
    (void)info;
    (void)context;
    if (!cmpi_in_cell) {
        signal(signal_number, SIG_DFL);
        raise(signal_number);
        return;
    }
    cmpi_terminated = 1;
}

static inline void cmpi_watch_terminate(void) { cmpi_handle(SIGTERM, cmpi_on_terminate); }

static inline void cmpi_set_in_cell(int in_cell) { cmpi_in_cell = in_cell; }
static inline int cmpi_was_terminated(void) { return cmpi_terminated; }
