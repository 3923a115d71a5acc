"""A small JSON Schema validator for the keywords `dayjob schema` emits (jsonschema is not a dependency)."""

from __future__ import annotations

import re

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {
    "$schema",
    "$defs",
    "$ref",
    "title",
    "description",
    "default",
    "examples",
    "type",
    "properties",
    "additionalProperties",
    "required",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "if",
    "then",
    "else",
    "pattern",
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "enum",
    "const",
    "propertyNames",
    "not",
    "uniqueItems",
    # messages for editors (yaml-language-server shows them in place of its own): they validate nothing
    "patternErrorMessage",
    "errorMessage",
}


def errors(instance, schema: dict, root: dict | None = None, path: str = "$") -> list[str]:
    """Every way `instance` fails `schema`, as "path: reason"; [] when it is valid."""
    root = root or schema
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"validator does not know {sorted(unknown)} (at {path})")
    out: list[str] = []
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        out += errors(instance, root["$defs"][ref.split("/")[-1]], root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](instance) for t in types):
            return out + [f"{path}: expected {'/'.join(types)}, got {type(instance).__name__}"]
    if "const" in schema and instance != schema["const"]:
        out.append(f"{path}: must be {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        out.append(f"{path}: must be one of {schema['enum']!r}")
    if isinstance(instance, str):
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            out.append(f"{path}: {instance!r} does not match {schema['pattern']}")
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            out.append(f"{path}: longer than {schema['maxLength']}")
        if "minLength" in schema and len(instance) < schema["minLength"]:
            out.append(f"{path}: shorter than {schema['minLength']}")
    if TYPES["number"](instance):
        if "minimum" in schema and instance < schema["minimum"]:
            out.append(f"{path}: below {schema['minimum']}")
        if "maximum" in schema and instance > schema["maximum"]:
            out.append(f"{path}: above {schema['maximum']}")
    if "not" in schema and not errors(instance, schema["not"], root, path):
        out.append(f"{path}: must not match {schema['not']}")
    if isinstance(instance, list):
        if schema.get("uniqueItems") and len({repr(x) for x in instance}) != len(instance):
            out.append(f"{path}: items must be unique")
        if "minItems" in schema and len(instance) < schema["minItems"]:
            out.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            out.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(instance):
                out += errors(item, schema["items"], root, f"{path}[{i}]")
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in instance:
                out.append(f"{path}: missing {key!r}")
        for key, value in instance.items():
            if "propertyNames" in schema:
                out += errors(key, schema["propertyNames"], root, f"{path}.{key}(name)")
            if key in props:
                out += errors(value, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unknown key {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                out += errors(value, schema["additionalProperties"], root, f"{path}.{key}")
    for sub in schema.get("allOf", []):
        out += errors(instance, sub, root, path)
    if "anyOf" in schema:
        found = [errors(instance, s, root, path) for s in schema["anyOf"]]
        if all(found):
            out.append(f"{path}: matches none of anyOf ({'; '.join(e for f in found for e in f)})")
    if "oneOf" in schema and sum(not errors(instance, s, root, path) for s in schema["oneOf"]) != 1:
        out.append(f"{path}: must match exactly one of oneOf")
    if "if" in schema:
        branch = "then" if not errors(instance, schema["if"], root, path) else "else"
        if branch in schema:
            out += errors(instance, schema[branch], root, path)
    return out
