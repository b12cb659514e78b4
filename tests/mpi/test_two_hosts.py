"""Two hosts (issue 20): two network namespaces made here, joined by a veth pair with addresses
from 10.250.x.x/30 that exist only between them, Open MPI's TCP transport across it, the second
rank started through `ip netns exec` as mpirun's launcher (plm_rsh_agent), in a UTS namespace of its
own so that it has another host name, as a second machine would. A headless run there reaches the
weights of one process within 1e-5; a rank killed on the second host stops the run with an error
naming the other host. Skips only when namespaces cannot be made."""
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import BIN, MPI_ENV, assert_same_weights, cells, mpirun, weights
from test_mpi import LR_STEPS, TOLERANCE, one_process_weights, rank_processes


def ip(*args, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


@pytest.fixture
def two_hosts(tmp_path):
    tag = os.getpid() % 100_000
    first, second = f"bk20a{tag}", f"bk20b{tag}"
    made = []
    try:
        try:
            ip("netns", "add", first)
        except (subprocess.CalledProcessError, FileNotFoundError) as error:
            pytest.skip(f"network namespaces cannot be made here ({getattr(error, 'stderr', error)}); "
                        "the two-host test needs root and `ip netns`")
        made.append(first)
        ip("netns", "add", second)
        made.append(second)
        octet = tag % 250
        a, b = f"10.250.{octet}.1", f"10.250.{octet}.2"
        ip("link", "add", "bk20a", "netns", first, "type", "veth", "peer", "name", "bk20b", "netns", second)
        for ns, dev, address in [(first, "bk20a", a), (second, "bk20b", b)]:
            ip("-n", ns, "addr", "add", f"{address}/30", "dev", dev)
            ip("-n", ns, "link", "set", dev, "up")
            ip("-n", ns, "link", "set", "lo", "up")
        # mpirun calls the launcher as `agent HOST COMMAND...`, where COMMAND is shell text (what
        # ssh would hand the remote shell): run it in the namespace that owns HOST.
        agent = tmp_path / "netns-agent.sh"
        agent.write_text(f"""#!/bin/sh
host="$1"; shift
case "$host" in
  {a}) ns={first} ;;
  {b}) exec ip netns exec {second} unshare --uts /bin/sh -c "hostname {second}; $*" ;;
  *) echo "netns-agent: unknown host $host" >&2; exit 1 ;;
esac
exec ip netns exec "$ns" /bin/sh -c "$*"
""")
        agent.chmod(0o755)
        hostfile = tmp_path / "hosts"
        hostfile.write_text(f"{a} slots=1\n{b} slots=1\n")
        yield {"first": first, "agent": agent, "hostfile": hostfile, "network": f"10.250.{octet}.0/30"}
    finally:
        for ns in made:
            ip("netns", "delete", ns, check=False)


def two_host_command(two_hosts, script, grace=None):
    """mpirun in the first namespace, one rank per host; `grace`: odls_base_sigkill_timeout (s)."""
    command = ["ip", "netns", "exec", two_hosts["first"], mpirun(), "-n", "2", "--hostfile", str(two_hosts["hostfile"]),
               "--bind-to", "none", "--mca", "plm_rsh_agent", str(two_hosts["agent"]),
               "--mca", "plm_rsh_no_tree_spawn", "1",
               "--mca", "btl", "self,tcp", "--mca", "btl_tcp_if_include", two_hosts["network"],
               "--mca", "oob_tcp_if_include", two_hosts["network"],
               "-x", "OPENBLAS_NUM_THREADS", "-x", "OMPI_ALLOW_RUN_AS_ROOT", "-x", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"]
    if grace is not None:
        command += ["--mca", "odls_base_sigkill_timeout", str(grace)]
    return command + [str(BIN), "run", str(script)]


def test_two_namespaces_over_tcp_reach_the_weights_of_one_process(tmp_path, tiny_model, dataset, two_hosts):
    reference = one_process_weights(tmp_path, tiny_model, dataset)
    out = tmp_path / "two-hosts"
    script = tmp_path / "two-hosts.bert"
    script.write_text("\n// %%\n".join(cells(tiny_model, dataset, out)) + "\n")
    command = two_host_command(two_hosts, script)
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=dict(os.environ, **MPI_ENV))
    assert result.returncode == 0, result.stdout + result.stderr
    assert_same_weights(weights(out), reference, TOLERANCE, LR_STEPS)


def start_two_hosts(two_hosts, script, stdout):
    """The run with the kernelspec's 3 s grace, and its stderr's lines as (time, line) as they come,
    gathered by a reader thread."""
    process = subprocess.Popen(two_host_command(two_hosts, script, grace=3), stdout=stdout, stderr=subprocess.PIPE,
                               text=True, env=dict(os.environ, **MPI_ENV))
    lines = []
    reader = threading.Thread(target=lambda: lines.extend((time.monotonic(), line) for line in process.stderr), daemon=True)
    reader.start()
    return process, lines, reader


def rank_on_the_second_host(first_rank_pid):
    """The pid of the other rank: the process with OMPI_COMM_WORLD_RANK=1 whose job id
    (OMPI_MCA_ess_base_jobid) is rank 0's; it is a child of the second host's orted, not mpirun."""
    def environ(pid):
        try:
            return dict(v.split(b"=", 1) for v in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in v)
        except OSError:
            return {}
    job = environ(first_rank_pid).get(b"OMPI_MCA_ess_base_jobid")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            variables = environ(entry.name)
            if variables.get(b"OMPI_COMM_WORLD_RANK") == b"1" and variables.get(b"OMPI_MCA_ess_base_jobid") == job:
                return int(entry.name)
    return None


def kill_rank_1_while_training(tmp_path, tiny_model, dataset, two_hosts, stop_rank_0):
    """Kills rank 1 (on the second host) 4 s into a long `train`, rank 0 stopped at that moment
    when `stop_rank_0`; the seconds after the kill at which rank 0's error named the lost host."""
    script = tmp_path / "long.bert"
    script.write_text("\n// %%\n".join(cells(tiny_model, dataset, tmp_path / "unused")[:2]
                                         + ["train(epochs: 10000, batch: 8)"]) + "\n")
    process, lines, reader = start_two_hosts(two_hosts, script, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        first = second = None
        while time.monotonic() < deadline and second is None:
            first = next(iter(rank_processes(process.pid).values()), None)
            second = first and rank_on_the_second_host(first)
            time.sleep(0.2)
        assert second, "rank 1 never started on the second host"
        time.sleep(4)                                    # into the training
        assert process.poll() is None
        if stop_rank_0:
            os.kill(first, signal.SIGSTOP)               # mpirun's SIGCONT, when it ends the job, resumes it
        os.kill(second, signal.SIGKILL)
        killed = time.monotonic()
        process.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode != 0
    said = [at - killed for at, line in lines if "rank 1 of 2 on another host is gone" in line]
    assert said, "".join(line for _, line in lines)
    # Measured 5.0-5.4 s after the kill in repeated runs, quiet or with two busy loops beside: about
    # 5 s for Open MPI to pass the remote death to mpirun, whose SIGCONT ends the cell at once. The
    # bound leaves room for a loaded machine: the claim is an error, not a hang.
    assert said[0] < 20, f"the error came {said[0]:.1f} s after rank 1 was killed:\n" + "".join(l for _, l in lines)


def test_a_rank_killed_on_the_second_host_stops_the_run_with_an_error_naming_it(tmp_path, tiny_model, dataset, two_hosts):
    """No pid of the other host can be watched from the first: rank 0 learns of the loss from
    mpirun's SIGCONT, sent by its parent (MPIWorld.checkLauncherContinued), and must say so within
    the 3 s the kernelspec gives between that SIGCONT and mpirun's SIGTERM (odls_base_sigkill_timeout)
    and SIGKILL's 3 s after."""
    kill_rank_1_while_training(tmp_path, tiny_model, dataset, two_hosts, stop_rank_0=False)


def test_a_rank_killed_while_rank_0_is_stopped_is_reported_after_mpirun_continues_it(tmp_path, tiny_model, dataset,
                                                                                     two_hosts):
    """Rank 0 reads the broken connection only once mpirun, already ending the job, has sent its
    SIGCONT. Open MPI 4.1 then prints its "peer hung up" help through mpirun (a PMIx log request)
    and waits for an answer mpirun no longer gives: rank 0 hung in that wait until SIGKILL, without
    a word (on a busy machine this happened without the SIGSTOP too, in most runs). CMPIShowHelp's
    orte_show_help_norender writes the help to stderr itself: with it renamed away, this test failed
    in 3 of 4 runs on a quiet machine."""
    kill_rank_1_while_training(tmp_path, tiny_model, dataset, two_hosts, stop_rank_0=True)


def test_a_rank_lost_on_the_second_host_inside_a_long_step_is_reported_before_mpirun_ends_rank_0(tmp_path, two_hosts):
    """A rank on another host shows no pid here, and mpirun's SIGCONT comes some 5 s after the loss
    (Open MPI passes it on from the other host), SIGTERM 3 s later, SIGKILL 3 s after that: a step
    that computes on past them, as a bert-base step can, would be ended without a word. The next
    look before a layer ends the step: at the launcher's SIGCONT, or failing that at the SIGTERM,
    which is only counted during a cell. Here a pre-training step of about 25 s per rank (12 layers
    of 384 over 64 rows, one BLAS thread); rank 1 is killed 3 s into the cell, inside the first step
    and long before its next sum. With two busy loops beside, rank 0 was still zero-filling the
    step's activation arena then, for seconds without a look, until large buffers were mapped instead."""
    script = tmp_path / "long-step.bert"
    script.write_text('print("START")\n// %%\npretrain(corpus: "demo", steps: 100, layers: 12, hidden: 384, heads: 6, '
                      'maxLength: 128, batch: 128)\n')
    process, lines, reader = start_two_hosts(two_hosts, script, stdout=subprocess.PIPE)
    try:
        for line in process.stdout:                   # cell 2, and its first step, start right after this
            if "START" in line:
                break
        time.sleep(3)                                 # past the pairs, the model and the step's first sum
        first = next(iter(rank_processes(process.pid).values()), None)
        second = first and rank_on_the_second_host(first)
        assert second, "rank 1 is not running on the second host"
        os.kill(second, signal.SIGKILL)
        killed = time.monotonic()
        process.stdout.close()
        process.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    said = [at - killed for at, line in lines if "mpirun is ending the job" in line and "on another host" in line]
    assert said, "no error naming the lost host:\n" + "".join(line for _, line in lines)
    assert said[0] < 20, f"the error came {said[0]:.1f} s after rank 1 was killed:\n" + "".join(l for _, l in lines)
