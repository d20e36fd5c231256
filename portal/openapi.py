"""The OpenAPI 3.1 description of the JSON API (/api/openapi.json). Every /api/ route of the app is described
here (a test compares the paths with the app's url_map), and the tests validate real answers against it with
openapi-core. The fiche and data·inclusion schemas come from the models that make the answers (the content's
pydantic models, the pinned data-inclusion-schema package), so they cannot drift."""

from functools import cache

from data_inclusion.schema import v1

from portal.licence import CONTENT_LICENCE, CONTENT_LICENCE_URL, LINK_HEADER
from portal.models import EDITORS_ONLY_FIELDS, Fiche

REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict:
    return {"$ref": REF.format(model=name)}


def _text(nullable: bool = False) -> dict:
    return {"type": ["string", "null"]} if nullable else {"type": "string"}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties if required is None else required),
    }


def _list(items: dict) -> dict:
    return {"type": "array", "items": items}


STRING, INTEGER, BOOLEAN, ANY_LIST = _text(), {"type": "integer"}, {"type": "boolean"}, {"type": "array"}
COUNTS = {"type": "object", "additionalProperties": INTEGER}

LICENCE = _obj(
    {
        "nom": {"type": "string", "const": CONTENT_LICENCE},
        "url": {"type": "string", "const": CONTENT_LICENCE_URL},
        "paternite": STRING,
        "sources_tierces": _list(_obj({"attribution": STRING, "contacts": INTEGER})),
        "code": STRING,
    }
)
ERROR = _obj({"erreur": STRING, "message": STRING})
PAGE_OF = lambda item: _obj(  # noqa: E731
    {
        "items": _list(_ref(item)),
        "total": INTEGER,
        "page": INTEGER,
        "size": INTEGER,
        "pages": INTEGER,
        "licence": _ref("Licence"),
    }
)
SOURCE = {"type": "object", "properties": {"titre": STRING, "vu_le": STRING}, "required": ["titre", "vu_le"]}
CONTACT = _obj(
    {
        "acteur": STRING,
        "acteur_titre": STRING,
        "portee": {"enum": ["local", "regional", "national"]},
        "national": BOOLEAN,
        "nom": STRING,
        "statut": {"enum": ["verifie", "a-verifier"]},
        "source": SOURCE,
        "telephone": STRING,
        "email": STRING,
        "formulaire": STRING,
        "annuaire": STRING,
        "adresse": STRING,
        "site": STRING,
        "horaires": STRING,
        "note": STRING,
    },
    ["acteur", "portee", "nom", "statut", "source"],
)
DEPARTEMENT = _obj({"code": STRING, "nom": STRING})
PLACE_CANDIDATE = _obj({"lieu": STRING, "commune": STRING, "departement": DEPARTEMENT}, ["lieu", "departement"])
CONTACTS_ANSWER = _obj(
    {
        "lieu": STRING,
        "pour": _text(True),
        "message": _text(True),
        "avertissements": _list(STRING),
        "departement": DEPARTEMENT,
        "lieu_reconnu": {},
        "url": STRING,
        "contacts": _list(CONTACT),
        "mentions_locales": _list(_obj({"acteur": STRING, "nom": STRING, "statut": STRING}, ["acteur", "nom"])),
        "sans_contact": _list(_obj({"acteur": STRING, "titre": STRING, "que_faire": STRING}, ["acteur", "titre"])),
        "candidats": _list(PLACE_CANDIDATE),
        "suggestions": ANY_LIST,
    },
    ["lieu", "message", "avertissements"],
)
TREE_REF = _obj({"id": STRING, "titre": STRING})
WALK = _obj(
    {
        "arbre": TREE_REF,
        "reponses": _list(_obj({"question": STRING, "code": STRING, "deduite": BOOLEAN, "libelle": STRING})),
        "ignorees": _list(_obj({"question": STRING, "code": STRING, "raison": STRING})),
        "avertissements": ANY_LIST,
        "lieu": {"type": "object"},
        "question": _obj(
            {
                "id": STRING,
                "texte": STRING,
                "aide": _text(True),
                "options": _list(_obj({"code": STRING, "libelle": STRING, "aide": _text(True)})),
            }
        ),
        "resultat": _obj(
            {
                "id": STRING,
                "titre": STRING,
                "a_faire": _list(STRING),
                "fiches": _list(
                    _obj(
                        {
                            "id": STRING,
                            "titre": STRING,
                            "type": {"enum": ["dispositif", "acteur"]},
                            "raison": STRING,
                            "quand": {"enum": ["maintenant", "ensuite", "selon"]},
                            "action": _text(True),
                            "url": {"type": "string", "format": "uri"},
                        },
                        ["id", "titre", "type", "raison", "quand", "url"],
                    )
                ),
                "contacts": ANY_LIST,
                "pour_le_salarie": STRING,
            },
            ["id", "titre", "a_faire", "fiches"],
        ),
    },
    ["arbre", "reponses", "ignorees", "avertissements"],
)
SEARCH = _obj(
    {
        "requete": STRING,
        "filtres": {"type": "object"},
        "total": INTEGER,
        "page": INTEGER,
        "pages": INTEGER,
        "partiel": BOOLEAN,
        "mots_ignores": _list(STRING),
        "situations": _list(
            _obj(
                {
                    "nom": STRING,
                    "note": _text(True),
                    "fiches": _list(STRING),
                    "orientation": _list(_obj({"libelle": STRING, "url": STRING})),
                },
                ["nom", "fiches"],
            )
        ),
        "suggestion": _text(True),
        "message": _text(True),
        "avertissements": ANY_LIST,
        "facettes": {"type": "object", "additionalProperties": COUNTS},
        "termes": _list(
            _obj({"terme": STRING, "definition": STRING, "ancien": BOOLEAN, "fiche": _text(True)}, ["terme"])
        ),
        "resultats": _list(
            _obj(
                {
                    "id": STRING,
                    "titre": STRING,
                    "type": {"enum": ["dispositif", "acteur"]},
                    "resume": STRING,
                    "url": {"type": "string", "format": "uri"},
                }
            )
        ),
    }
)
COVERAGE = _obj(
    {
        "niveaux": {"type": "object", "additionalProperties": STRING},
        "totaux": COUNTS,
        "departements": _list(
            _obj(
                {
                    "code": STRING,
                    "nom": STRING,
                    "region": {"type": "object"},
                    "source_la_plus_ancienne": _text(True),
                    "totaux": COUNTS,
                    "acteurs": _list({"type": "object"}),
                },
                ["code", "nom", "acteurs", "totaux"],
            )
        ),
    }
)
GLOSSARY = _obj(
    {
        "version": STRING,
        "termes": _list(
            _obj(
                {
                    "terme": STRING,
                    "definition": STRING,
                    "ancien": BOOLEAN,
                    "synonymes": _list(STRING),
                    "fiche": _text(True),
                    "url": _text(True),
                }
            )
        ),
    }
)
FICHES = _obj(
    {
        "version": STRING,
        "filtres": {"type": "object", "additionalProperties": STRING},
        "avertissements": ANY_LIST,
        "fiches": _list(_ref("Fiche")),
        "licence": _ref("Licence"),
    }
)


def _model_schemas(model, name: str) -> dict:
    """`model`'s JSON Schema as it serialises, and those it refers to, as OpenAPI components."""
    schema = model.model_json_schema(mode="serialization", ref_template=REF)
    defs = schema.pop("$defs", {})
    return {name: schema, **defs}


def _public_fiche() -> dict:
    """The Fiche model's schemas without the editors' fields, which the API never gives."""
    schemas = _model_schemas(Fiche, "Fiche")
    for schema in schemas.values():
        for field in EDITORS_ONLY_FIELDS:
            schema.get("properties", {}).pop(field, None)
            if field in schema.get("required", []):
                schema["required"].remove(field)
    return schemas


def _answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


LICENCE_HEADER = {"Link": {"$ref": "#/components/headers/Licence"}}


def _ok(description: str, schema: dict) -> dict:
    return _answer(description, schema) | {"headers": LICENCE_HEADER}


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema or STRING}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": STRING}


FILTERS = [
    _query("type", "dispositif ou acteur"),
    _query("etape", "étape du parcours (sans-arret, pendant-arret, reprise, apres-inaptitude)"),
    _query("public", "public (salarie, independant…)"),
    _query("lieu", "commune, code postal ou département : écarte les fiches régionales d'ailleurs"),
]
ERRORS = {
    "400": _answer("Paramètre illisible, avec un message en français.", _ref("Erreur")),
}
PAGING = [
    _query("page", "numéro de page, à partir de 1", {"type": "string", "pattern": "^[0-9]+$"}),
    _query("size", "éléments par page, de 1 à 10 000 (5 000 par défaut)", {"type": "string", "pattern": "^[0-9]+$"}),
]


def _get(summary: str, parameters: list, responses: dict, tag: str) -> dict:
    return {"get": {"summary": summary, "tags": [tag], "parameters": parameters, "responses": responses}}


@cache
def document() -> dict:
    """The OpenAPI 3.1 document; servers are left out: every path is relative to the portal's address."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portail PDP : API JSON",
            "version": "1",
            "summary": "Les fiches, la recherche, les contacts, l'orientation et l'annuaire au schéma data·inclusion.",
            "description": 'Chaque réponse en JSON porte l\'en-tête `Link: <…>; rel="license"` vers la Licence '
            "Ouverte 2.0 ; les réponses en liste (fiches, pages data·inclusion) ont aussi un champ `licence` "
            "(nom, adresse, mention de paternité, données reprises d'un tiers avec leur attribution). Les messages "
            "d'erreur sont en français : `erreur` (le titre) et `message`.",
            "license": {"name": CONTENT_LICENCE, "url": CONTENT_LICENCE_URL},
        },
        "paths": {
            "/api/openapi.json": _get(
                "Ce document (OpenAPI 3.1)", [], {"200": _ok("La description de l'API.", {"type": "object"})}, "API"
            ),
            "/api/fiches": _get(
                "Toutes les fiches, avec les mêmes filtres que /fiches",
                FILTERS,
                {"200": _ok("Les fiches publiques, sans les notes des éditeurs.", FICHES)},
                "Fiches",
            ),
            "/api/fiches/{fiche_id}": _get(
                "Une fiche",
                [_path("fiche_id", "l'identifiant de la fiche (ex. essai-encadre)")],
                {
                    "200": _ok("La fiche.", _ref("Fiche")),
                    "301": {
                        "description": "Fiche archivée ou renommée : l'adresse de la fiche qui la remplace.",
                        "headers": {
                            "Location": {"description": "/api/fiches/<id de la fiche actuelle>", "schema": STRING},
                            **LICENCE_HEADER,
                        },
                    },
                    "404": _answer("Aucune fiche de cet identifiant.", _ref("Erreur")),
                },
                "Fiches",
            ),
            "/api/orientation": _get(
                "Les arbres d'orientation et l'adresse de leur première question",
                [],
                {
                    "200": _ok(
                        "Les arbres.",
                        _obj({"arbres": _list(_obj({"id": STRING, "titre": STRING, "pour": STRING, "url": STRING}))}),
                    )
                },
                "Orientation",
            ),
            "/api/orientation/{tree_id}": _get(
                "Une étape d'un parcours : la prochaine question, ou le résultat",
                [
                    _path("tree_id", "l'arbre (ex. medecin-du-travail)"),
                    _query("etape", "une réponse, par id de question (etape, statut, situation, rqth…)"),
                    _query("lieu", "commune, code postal ou département, pour les contacts du résultat"),
                ],
                {
                    "200": _ok("La question (`question`) ou le résultat (`resultat`).", WALK),
                    **ERRORS,
                    "404": _answer("Arbre inconnu.", _ref("Erreur")),
                },
                "Orientation",
            ),
            "/api/recherche": _get(
                "La recherche, du meilleur résultat au moins bon",
                [_query("q", "les mots cherchés"), *FILTERS, _query("page", "numéro de page")],
                {"200": _ok("Les résultats.", SEARCH)},
                "Recherche",
            ),
            "/api/contacts": _get(
                "Qui contacter dans un lieu",
                [_query("lieu", "commune, code postal ou département"), _query("pour", "un dispositif ou un acteur")],
                {
                    "200": _ok(
                        "Les contacts du département, ou les communes homonymes (`candidats`).", CONTACTS_ANSWER
                    ),
                    **ERRORS,
                    "404": _answer("Lieu inconnu, avec des `suggestions`.", CONTACTS_ANSWER),
                },
                "Contacts",
            ),
            "/api/couverture": _get(
                "Ce que le portail connaît pour chaque département et chaque acteur",
                [],
                {"200": _ok("La couverture.", COVERAGE)},
                "Contacts",
            ),
            "/api/glossaire": _get(
                "Les sigles, synonymes et anciens noms", [], {"200": _ok("Le glossaire.", GLOSSARY)}, "Fiches"
            ),
            "/api/data-inclusion/structures": _get(
                "L'annuaire au schéma data·inclusion (v1) : les structures",
                PAGING,
                {"200": _ok("Une page de structures.", PAGE_OF("Structure")), **ERRORS},
                "data·inclusion",
            ),
            "/api/data-inclusion/services": _get(
                "L'annuaire au schéma data·inclusion (v1) : les services",
                PAGING,
                {"200": _ok("Une page de services.", PAGE_OF("Service")), **ERRORS},
                "data·inclusion",
            ),
        },
        "components": {
            "schemas": {
                "Erreur": ERROR,
                "Licence": LICENCE,
                **_public_fiche(),
                **_model_schemas(v1.Structure, "Structure"),
                **_model_schemas(v1.Service, "Service"),
            },
            "headers": {
                "Licence": {
                    "description": f"La licence des données : `{LINK_HEADER}`.",
                    "schema": STRING,
                }
            },
        },
    }
