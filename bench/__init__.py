"""Benchmark tooling, outside the portal's package (it is not shipped): `python -m bench` from the repository.

- `search.py`: a synthetic national directory (`synthetic.py`) loaded, indexed and searched, beside SQLite FTS5;
- `http_load.py`: the production server (gunicorn.conf.py) under load from wrk, beside a static file (`--http`,
  `--soak`);
- `reload.py`: a worker's memory while new content versions are served (`--rechargements N`).
"""
