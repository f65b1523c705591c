"""Population registry simulator: a stand-in for Dukcapil's NIK verification web service.

Verification answers say only whether the NIK, name and birth date agree, never what the
registry holds; the family-card lookup serves the agency back-end. Run it with
``python -m simulators.population_registry.server --help``; the contract is documented in
``server.py``, the answers' JSON Schemas in ``schemas/``.
"""
