"""Holds a Ray cluster of several nodes on this machine for the cluster tests.

Run inside a network namespace with only loopback (conftest.py does that),
so that every Ray process listens and connects on 127.0.0.1 only. Prints
`ADDRESS host:port` once the cluster is up, then obeys one command a line on
stdin: `remove` (stop the last worker node: its raylet and its actors die, as
when a machine is lost), `add` (start one more worker node), `quit` (or end
of input: stop every node).
"""

from __future__ import annotations

import sys

from ray.cluster_utils import Cluster

NODE = dict(num_cpus=1, object_store_memory=80 * 1024 * 1024, node_ip_address="127.0.0.1", include_dashboard=False)


def main() -> None:
    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    cluster = Cluster(initialize_head=True, head_node_args=dict(NODE), shutdown_at_exit=True)
    workers = [cluster.add_node(**NODE) for _ in range(nodes - 1)]
    cluster.wait_for_nodes()
    print("ADDRESS", cluster.address, flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "remove" and workers:
                cluster.remove_node(workers.pop(), allow_graceful=False)
                cluster.wait_for_nodes(timeout=120)  # until the head has marked it dead
            elif command == "add":
                workers.append(cluster.add_node(**NODE))
                cluster.wait_for_nodes()
            elif command == "quit":
                break
            print("OK", command, flush=True)
    finally:
        cluster.shutdown()


if __name__ == "__main__":
    main()
