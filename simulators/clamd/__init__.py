"""A clamd stand-in speaking enough of the ClamAV daemon protocol for the upload scan hook."""
