"""School-based training projects (校本研训项目) and their approval flow."""
