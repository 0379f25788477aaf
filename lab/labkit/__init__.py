"""The Hopscope lab: a real request path on loopback (dnsmasq, nginx, supervised app
processes, a migration job, PostgreSQL 15), all state in one directory."""
