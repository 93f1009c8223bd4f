"""Writes the JSON Schema (draft 2020-12) of one OCSF event class, with the given profiles, from
an OCSF schema repository at a release tag: ocsf-lib compiles the repository, ocsf-json-schema
turns the compiled class into a JSON Schema. See README.md beside this file for the commands.

    python json_schema.py REPOSITORY COMPILED.json CLASS [PROFILE ...] > SCHEMA.json

COMPILED.json is `python -m ocsf.compile REPOSITORY` (ocsf-lib 0.10.4). Its output has the shape
of the OCSF server's schema export, which ocsf-json-schema reads, but departs from what the
server builds from the same repository in four ways, each undone here from the repository's
own files:
- an absent property is written as `null` (an attribute then reads as `@deprecated`, a type as
  having a `max_len`): nulls are dropped;
- an attribute whose type is an object keeps the object's name as its `type`: it becomes
  `object_t` with `object_type`, as the server writes it;
- a record that declares its own `constraints` gets those of the record it extends: the
  nearest declaration up the `extends` chain wins;
- an attribute that a record takes out of its profile (`"profile": null`, as `finding` does
  for `confidence` and `device`) stays in the profile: the nearest declaration wins here too.
The output is sorted (keys and enum values) so that it is the same on every run.
"""

import json
import pathlib
import sys

from ocsf_json_schema import OcsfJsonSchemaEmbedded


def drop_nulls(value):
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def sources(repository, folder):
    """The repository's own definitions in `folder`, by name."""
    out = {}
    for path in sorted(pathlib.Path(repository, folder).rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "name" in data:
            out[data["name"]] = data
    return out


def chain(name, defined):
    """`name` and the records it extends, nearest first."""
    seen = set()
    while name in defined and name not in seen:
        seen.add(name)
        yield defined[name]
        name = defined[name].get("extends")


def nearest(name, defined, has):
    return next((d for d in chain(name, defined) if has(d)), None)


def repair(compiled, repository):
    objects = compiled["objects"]
    for kind, folder in (("classes", "events"), ("objects", "objects")):
        defined = sources(repository, folder)
        for name, record in compiled[kind].items():
            declared = nearest(name, defined, lambda d: "constraints" in d)
            if declared is not None:
                record.pop("constraints", None)
                if declared["constraints"]:
                    record["constraints"] = declared["constraints"]
            for attr_name, attr in record.get("attributes", {}).items():
                own = nearest(name, defined, lambda d: attr_name in d.get("attributes", {}))
                if own is not None and own["attributes"][attr_name].get("profile", "") is None:
                    attr.pop("profile", None)
                if attr.get("type") in objects:
                    attr["object_type"] = attr["type"]
                    attr["type"] = "object_t"
    return compiled


def sort_enums(value):
    if isinstance(value, dict):
        out = {k: sort_enums(v) for k, v in value.items()}
        if isinstance(out.get("enum"), list):
            out["enum"] = sorted(out["enum"])
        return out
    if isinstance(value, list):
        return [sort_enums(v) for v in value]
    return value


def main():
    repository, compiled_path, class_name, *profiles = sys.argv[1:]
    with open(compiled_path, encoding="utf-8") as f:
        compiled = repair(drop_nulls(json.load(f)), repository)
    schema = OcsfJsonSchemaEmbedded(compiled).get_class_schema(class_name, profiles)
    json.dump(sort_enums(schema), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
