"""SP4N-LAPOR! simulator: the national complaint channel, as far as our platform meets it.

It posts complaints disposed to the Directorate General of Immigration into our inbound
endpoint and receives our status updates. Run it with ``python -m simulators.lapor.server
--help``; the contract is documented in ``server.py`` and ``docs/complaints.md``.
"""
