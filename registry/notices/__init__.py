"""Change notices: `kinds` says what each kind of notice asks, records and does; `changes`
announces, withdraws, applies and corrects; `records` is what a reader sees of a notice (pages,
API, feeds, emails, evidence pack); `views`, `feeds` and `admin_views` serve them."""
