"""Generic tabular import and export: spreadsheets in, row-by-row reports out.

Domain apps describe their columns and how to check and write rows
(``yanxiu.imports.engine.TableImport``); this app reads the files, keeps them,
runs preview and commit, and writes tables back out in the same format.
"""
