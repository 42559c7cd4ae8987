"""Shared loader for the peer scripts: reads the labeled scenarios at run time.

The scenarios live outside this repository (``../shared/corpus/scenarios``
relative to the repo root, format in ``../shared/corpus/FORMAT.md``); nothing
from them is copied here.

Message identity and "last label wins" mirror ``src/cli/eval/score.rs``: labels are
keyed by (chat_id, message_id) and an ``edit`` event replaces the text, the
date the pipeline judges it at (``src/core/engine/`` re-judges an edit at the
edit's ``date``) and the label of the message it edits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = (REPO_ROOT / ".." / "shared" / "corpus" / "scenarios").resolve()


@dataclass
class Event:
    """One ``message`` or ``edit`` event, in file order."""

    kind: str  # "message" | "edit"
    chat_id: int
    message_id: int
    date: str  # RFC 3339 with offset
    text: str
    label: dict

    @property
    def key(self) -> tuple[int, int]:
        return (self.chat_id, self.message_id)


@dataclass
class Scenario:
    path: Path
    name: str
    lang: str
    tz: str
    workday_end: str
    events: list[Event]

    @property
    def file(self) -> str:
        return self.path.name


@dataclass
class FinalMessage:
    """A message as it stands after all its edits (what eval.rs scores)."""

    key: tuple[int, int]
    order: int  # position of the original ``message`` event in the file
    first_date: str  # date of the original message (its place in time)
    date: str  # date of the last event (message or edit) for this key
    text: str
    label: dict


def local_naive(date: str, tz: str) -> datetime:
    """RFC 3339 with offset -> naive wall-clock time in the scenario's zone."""
    return datetime.fromisoformat(date).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def scenario_files(folder: Path) -> list[Path]:
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    files = sorted(p for p in folder.iterdir() if p.suffix == ".jsonl")
    if not files:
        raise SystemExit(f"{folder}: no labeled scenarios (*.jsonl) found")
    return files


def load(path: Path) -> Scenario:
    header = None
    events: list[Event] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            o = json.loads(line)
            t = o.get("type")
            if t == "scenario":
                header = o
            elif t in ("message", "edit"):
                if "label" not in o:
                    raise SystemExit(f"{path}:{n}: missing `label`")
                events.append(
                    Event(t, o["chat_id"], o["message_id"], o["date"], o.get("text") or "", o["label"])
                )
    if header is None:
        raise SystemExit(f"{path}: no scenario header line")
    return Scenario(path, header["name"], header["lang"], header["tz"], header.get("workday_end", ""), events)


def final_messages(sc: Scenario) -> list[FinalMessage]:
    """One entry per (chat_id, message_id), in the order of the original message."""
    out: dict[tuple[int, int], FinalMessage] = {}
    for i, e in enumerate(sc.events):
        m = out.get(e.key)
        if m is None:
            out[e.key] = FinalMessage(e.key, i, e.date, e.date, e.text, e.label)
        else:
            m.date, m.text, m.label = e.date, e.text, e.label
    return sorted(out.values(), key=lambda m: m.order)
