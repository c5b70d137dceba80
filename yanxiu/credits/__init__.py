"""Credits: the append-only ledger, yearly policies, compliance and transcripts."""
