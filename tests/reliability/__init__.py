"""Faults survived, each a test, on private PostgreSQL and Redis servers (never the shared
ones): PostgreSQL restarted under the site, Redis stopped for a while, two beats by mistake, an
address refused for good. A worker killed with SIGKILL mid-batch is
tests/planner/test_worker.py::test_a_worker_killed_mid_batch_loses_nothing."""
