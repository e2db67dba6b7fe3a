"""The benchmark floor: a bare DRF view inserting one row, beside which intake is measured.

Installed and mounted at /bench/floor/ only when `BENCH_FLOOR=true` (config/settings/base.py,
config/urls.py); never in a deployment by default.
"""
