"""An agency's webhook endpoint: verifies Standard Webhooks signatures, records duplicates."""
