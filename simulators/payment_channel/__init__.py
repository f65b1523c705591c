"""Payment channel simulator: a stand-in for the state billing system (SIMPONI / MPN G2).

It speaks the contract ``imigrasi.lib.billing`` is written against: bills with 15-digit codes,
payment at a channel, Ed25519-signed callbacks delivered with retries. Run it with
``python -m simulators.payment_channel.server --help``; the contract is documented in
``server.py``.
"""
