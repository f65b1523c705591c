"""Stand-ins for external services (clamd, …), run as separate processes in tests and dev."""
