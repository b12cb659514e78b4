"""Two hosts (issue 20): two network namespaces made here, joined by a veth pair with addresses
from 10.250.x.x/30 that exist only between them, Open MPI's TCP transport across it, the second
rank started through `ip netns exec` as mpirun's launcher (plm_rsh_agent). A headless run there
reaches the weights of one process within 1e-5. Skips only when namespaces cannot be made."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import BIN, MPI_ENV, assert_same_weights, cells, mpirun, weights
from test_mpi import LR_STEPS, TOLERANCE, one_process_weights


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
  {b}) ns={second} ;;
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


def test_two_namespaces_over_tcp_reach_the_weights_of_one_process(tmp_path, tiny_model, dataset, two_hosts):
    reference = one_process_weights(tmp_path, tiny_model, dataset)
    out = tmp_path / "two-hosts"
    script = tmp_path / "two-hosts.bert"
    script.write_text("\n// %%\n".join(cells(tiny_model, dataset, out)) + "\n")
    command = ["ip", "netns", "exec", two_hosts["first"], mpirun(), "-n", "2", "--hostfile", str(two_hosts["hostfile"]),
               "--bind-to", "none", "--mca", "plm_rsh_agent", str(two_hosts["agent"]),
               "--mca", "plm_rsh_no_tree_spawn", "1",
               "--mca", "btl", "self,tcp", "--mca", "btl_tcp_if_include", two_hosts["network"],
               "--mca", "oob_tcp_if_include", two_hosts["network"],
               "-x", "OPENBLAS_NUM_THREADS", "-x", "OMPI_ALLOW_RUN_AS_ROOT", "-x", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM",
               str(BIN), "run", str(script)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=dict(os.environ, **MPI_ENV))
    assert result.returncode == 0, result.stdout + result.stderr
    assert_same_weights(weights(out), reference, TOLERANCE, LR_STEPS)
