"""The rule engine of electronic supervision: one set of rules written once in DuckDB SQL (`rules.py`),
run over a whole event log (batch) or over one case's events (streaming), with the flowcharts compiled to
small tables (`model.py`) and the working-day calendar as a serial table."""
