"""The embedded engine's MODEL and the Ory Permission Language file Keto loads describe the
same model: namespaces, relations (with their subjects' namespace) and permits, term by term."""

import re
from pathlib import Path

import pytest

from ticketing.shared.permissions import MODEL, Has, Namespace, Traverse

OPL = Path("deploy/helm/ticketing/files/ory/keto/namespaces.keto.ts")
CLASS = re.compile(r"class (\w+) implements Namespace \{(.*?)\n\}", re.S)
RELATED = re.compile(r"related: \{(.*?)\}", re.S)
RELATION = re.compile(r"^(\w+): (\w+)\[\]$")
PERMITS = re.compile(r"permits = \{(.*)\}", re.S)
PERMIT = re.compile(r"(\w+): \(ctx: Context\): boolean =>(.*?),\s*(?=\w+: \(ctx|$)", re.S)
HAS = re.compile(r"^this\.related\.(\w+)\.includes\(ctx\.subject\)$")
TRAVERSE = re.compile(r"^this\.related\.(\w+)\.traverse\(\((\w+)\) => \2\.permits\.(\w+)\(ctx\)\)$")


class Unparsed(AssertionError):
    pass


def parse_term(text: str) -> Has | Traverse:
    text = " ".join(text.split())
    if match := HAS.match(text):
        return Has(match.group(1))
    if match := TRAVERSE.match(text):
        return Traverse(match.group(1), match.group(3))
    raise Unparsed(f"OPL term not understood: {text!r}")


def parse(source: str) -> dict[str, Namespace]:
    """A strict reader for the subset of OPL this model uses; anything else fails loudly."""
    source = re.sub(r"//[^\n]*", "", source).replace("Namespace {}", "Namespace {\n}")
    model = {}
    for name, body in CLASS.findall(source):
        relations = {}
        if related := RELATED.search(body):
            for line in filter(None, (ln.strip() for ln in related.group(1).splitlines())):
                match = RELATION.match(line)
                if not match:
                    raise Unparsed(f"{name}: relation not understood: {line!r}")
                relations[match.group(1)] = match.group(2)
        permits = {}
        if block := PERMITS.search(body):
            found = PERMIT.findall(block.group(1).strip())
            if not found and block.group(1).strip():
                raise Unparsed(f"{name}: permits not understood")
            for permit, expression in found:
                permits[permit] = tuple(parse_term(term) for term in expression.split("||"))
        model[name] = Namespace(relations=relations, permits=permits)
    if not model:
        raise Unparsed("no namespaces found")
    return model


def test_the_opl_file_and_the_embedded_model_are_the_same() -> None:
    assert parse(OPL.read_text()) == MODEL


def test_the_reader_notices_a_difference() -> None:
    changed = OPL.read_text().replace("p.permits.view(ctx)", "p.permits.edit(ctx)")
    assert parse(changed) != MODEL
    with pytest.raises(Unparsed):
        parse(OPL.read_text().replace(".includes(ctx.subject)", ".has(ctx.subject)"))
