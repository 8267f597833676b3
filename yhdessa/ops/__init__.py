"""Running Yhdessä: /healthz, the request id and JSON log lines."""
