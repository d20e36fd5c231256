"""`python -m portal.bench …`, the command issue 22 names, kept as a thin entry: the benchmark tooling lives in
bench/ at the top of the repository, outside the package (`python -m bench …` is the same)."""

import sys

try:
    from bench.search import main
except ImportError:
    sys.exit("Les bancs d'essai sont dans le dossier bench/ du dépôt : lancez-les depuis lui (python -m bench).")

if __name__ == "__main__":
    main()
