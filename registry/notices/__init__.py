"""Change notices: what each kind of notice asks, records and does (`kinds`)."""
