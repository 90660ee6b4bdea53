"""The register's history: a signed snapshot of the public register each time it changes
(`snapshots`), signed with the registry's Ed25519 key (`signing`); the register on any day and
what changed between two days (`records`), and their public pages (`views`)."""
