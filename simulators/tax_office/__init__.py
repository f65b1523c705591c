"""Tax office simulator: a stand-in for DJP's NPWP validation (legacy 15 digits, NIK, NPWP16).

Run it with ``python -m simulators.tax_office.server --help``; the contract is documented in
``server.py``, the answer's JSON Schema in ``schemas/``.
"""
