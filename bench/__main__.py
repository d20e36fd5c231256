"""`python -m bench [--http | --soak | --rechargements N]`: see bench/__init__.py."""

from bench.search import main

main()
