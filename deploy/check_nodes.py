#!/usr/bin/env python3
"""Check that every node of the portal serves the same content version and reaches its database (/sante).

    python3 deploy/check_nodes.py --host portail.example.fr http://10.0.0.11:8000 http://10.0.0.12:8000

Asks each node directly (not through the load balancer), with the public name as Host so that
PORTAL_TRUSTED_HOSTS lets the request in. Exit code 0 when every node answers 200 with one same version, else 1;
each node's answer on its own line, in French. Standard library only: runs on any machine with Python 3.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request


def node_health(base: str, host: str | None, timeout: float) -> tuple[int | None, dict | str]:
    """(HTTP status, JSON answer) of `base`/sante, or (None, why) when the node does not answer."""
    request = urllib.request.Request(base.rstrip("/") + "/sante", headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read())
        except ValueError:
            return error.code, f"réponse {error.code} sans JSON"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, f"injoignable ({getattr(error, 'reason', error)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Vérifier que tous les nœuds servent la même version (/sante).")
    parser.add_argument("nodes", nargs="+", help="adresse de chaque nœud, ex. http://10.0.0.11:8000")
    parser.add_argument("--host", help="nom public du portail (en-tête Host), ex. portail.example.fr")
    parser.add_argument("--delai", type=float, default=5.0, help="attente maximale d'une réponse, en secondes")
    args = parser.parse_args(argv)
    versions, healthy = set(), True
    for base in args.nodes:
        status, answer = node_health(base, args.host, args.delai)
        if isinstance(answer, dict):
            version, database = answer.get("version"), "joignable" if answer.get("base") else "INJOIGNABLE"
            print(f"{base} : {status}, version {version}, base {database}")
            versions.add(version)
            healthy &= status == 200
        else:
            print(f"{base} : {answer}")
            healthy = False
    if healthy and len(versions) == 1:
        print(f"Les {len(args.nodes)} nœuds servent la même version : {versions.pop()}.")
        return 0
    if len(versions) > 1:
        print(f"Les nœuds ne sont pas d'accord : {len(versions)} versions servies ({', '.join(map(str, versions))}).")
    else:
        print("Un nœud au moins ne va pas bien : voir ci-dessus.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
