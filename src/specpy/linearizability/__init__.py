"""`specpy linearizable`: is a recorded concurrent history linearizable (docs/linearizability.md)."""
