"""The register: subprocessors, their locations and the facts of each transfer.

`drafts` and `values` edit the register (a draft until announced; the importer's and the ground's
facts at any time), `facts` turns a location into what the verdicts judge, `records` and
`transfer_records` are what a reader sees (pages, CSV, JSON, the admin, the evidence pack), and
the views serve them: `views` and `transfer_views` in public, `admin_views` and
`admin_transfer_views` in the admin area.
"""
