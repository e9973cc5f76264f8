"""The text reports a user reads, one module per command: check.py (`check`,
`simulate`, the Z3 backend's BMC, `tlc`), prove.py (`prove`), validate.py
(`validate`).

Presentation only: backends return data (result.py, smt/induction.py) and never import this package (tests/test_layering.py).
"""
