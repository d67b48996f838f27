"""The benchmark (run.py: pages, databases, servers, timing, report, editor), the
multi-server cluster (cluster.py) and the locust load test (locustfile.py, loadtest.py)."""
