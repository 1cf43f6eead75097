#!/usr/bin/env python3
"""List the messages of a .po catalogue that need translating, and fill in translations.

    scripts/translations.py todo  [PO]          > todo.jsonl   # untranslated or fuzzy messages
    scripts/translations.py apply FILE [PO]                    # fill msgstr from FILE's lines

Each line of ``todo`` is a JSON object: ``context``, ``msgid``, ``plural`` (or null),
``previous`` (the translation a fuzzy message had, or null) and ``refs``. ``apply`` takes
the same lines with a ``msgstr`` added; it fills those of them that are untranslated or
fuzzy (never overwriting a finished translation), removes their fuzzy flag and the
previous-msgid comments, and leaves every other line of the file as it was. Lines for
messages the catalogue does not have (yet) are skipped, so a file of translations made
ahead of time (``locale/zh_Hans/pending.jsonl``) can be applied after every refresh.
Chinese has one plural form, so a plural message gets ``msgstr[0]`` only. Run
``msgfmt --check`` and ``manage.py compilemessages`` afterwards (see docs/glossary.md).
Standard library only, so it runs with any Python 3.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    lines: list[str]
    fields: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return self.fields.get("msgctxt"), self.fields.get("msgid", "")

    @property
    def needs_work(self) -> bool:
        if self.obsolete or not self.fields.get("msgid"):
            return False
        translations = [value for name, value in self.fields.items() if name.startswith("msgstr")]
        return "fuzzy" in self.flags or not translations or not all(translations)


def parse(text: str) -> list[Entry]:
    entries = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        entry = Entry(lines=block.split("\n"))
        current = ""
        for line in entry.lines:
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif match := _KEYWORD.match(line):
                current = match.group(1)
                entry.fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                entry.fields[current] += ast.literal_eval(line)
        entries.append(entry)
    return entries


def quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{escaped}"'


def msgstr_lines(name: str, value: str) -> list[str]:
    parts = re.findall(r"[^\n]*\n|[^\n]+$", value)
    if len(parts) <= 1:
        return [f"{name} {quote(value)}"]
    return [f'{name} ""', *(quote(part) for part in parts)]


def fill(entry: Entry, translation: str) -> None:
    if entry.fields["msgid"].endswith("\n") and not translation.endswith("\n"):
        translation += "\n"
    kept: list[str] = []
    for line in entry.lines:
        if line.startswith("#|"):
            continue  # the previous msgid of a fuzzy match
        if line.startswith("#,"):
            flags = [flag for flag in entry.flags if flag != "fuzzy"]
            if flags:
                kept.append("#, " + ", ".join(flags))
            continue
        if line.startswith("msgstr"):
            break
        kept.append(line)
    name = "msgstr[0]" if "msgid_plural" in entry.fields else "msgstr"
    entry.lines = kept + msgstr_lines(name, translation)
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    entry.fields = {key: value for key, value in entry.fields.items() if not key.startswith("msgstr")}
    entry.fields[name] = translation


def todo(po: Path) -> None:
    for entry in parse(po.read_text(encoding="utf-8")):
        if entry.needs_work:
            previous = (
                entry.fields.get("msgstr", entry.fields.get("msgstr[0]")) if "fuzzy" in entry.flags else None
            )
            refs = " ".join(line[3:] for line in entry.lines if line.startswith("#: "))
            record = {
                "context": entry.fields.get("msgctxt"),
                "msgid": entry.fields["msgid"],
                "plural": entry.fields.get("msgid_plural"),
                "previous": previous or None,
                "refs": refs,
            }
            print(json.dumps(record, ensure_ascii=False))


def apply(source: Path, po: Path) -> int:
    translations = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            translations[(record.get("context"), record["msgid"])] = record["msgstr"]
    entries = parse(po.read_text(encoding="utf-8"))
    filled = 0
    for entry in entries:
        if entry.needs_work and translations.get(entry.key, "").strip():
            fill(entry, translations[entry.key])
            filled += 1
    po.write_text("\n\n".join("\n".join(entry.lines) for entry in entries) + "\n", encoding="utf-8")
    left = sum(entry.needs_work for entry in entries)
    print(f"{po}: filled {filled} messages; {left} still need work", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "todo":
        todo(Path(argv[1]) if len(argv) > 1 else DEFAULT_PO)
        return 0
    if len(argv) >= 2 and argv[0] == "apply":
        return apply(Path(argv[1]), Path(argv[2]) if len(argv) > 2 else DEFAULT_PO)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
