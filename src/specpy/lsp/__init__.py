"""`specpy lsp`: a language server for .spec files (docs/editors.md).

`analysis.py` analyses one version of a document (diagnostics, and where
every name is declared and used) with no LSP types; `server.py` is the
pygls server that answers the editor from it. pygls is an optional
dependency (`pip install 'specpy-mc[lsp]'`); only server.py imports it.
"""
