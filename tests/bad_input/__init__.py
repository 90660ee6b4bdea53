"""The machinery of the bad-input test (tests/bad_input/test_bad_input.py): reading the pages as a
browser would, the malformed values and the requests made of them, and the checks on answers."""
