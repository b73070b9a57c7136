"""Need phrases said with words in between: 发挥点余热 for 发挥余热, 刚从外地搬来 for 刚搬来.

The category synonyms residents' needs are written in (knowledge/data/categories.yaml) are
phrases of two or more words. Said in full they are found by the exact path; said loosely, a
filler word or two sits inside them (点, 一下, 从外地). So a phrase also counts when its words
appear in order with at most `GAP` other words between them, within one clause. This path runs
only when no category was found otherwise, and a phrase of a single word never counts this way
(its characters are not spread over words), except a four-character one read as two halves.
"""
from __future__ import annotations

import re
from collections import defaultdict

from knowledge.text import compact

GAP = 2            # other words allowed inside one phrase
GAPPED_SCORE = 85.0
_CLAUSE_END = re.compile(r"[，,。；;！!？?]")


class NeedPhrases:
    def __init__(self, categories, tokenizer) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for cat in categories:
            for phrase in cat.synonyms:
                words = _words(compact(phrase), tokenizer)
                if len(words) >= 2:
                    self.by_first[words[0]].append((words[1:], cat.id))

    def find(self, tokens: list[str]) -> list[tuple[str, int, int]]:
        """(category id, start, end) of each phrase found with words in between, in the text
        whose words are `tokens` (segmented once by the matcher)."""
        starts, pos = [], 0
        for token in tokens:
            starts.append(pos)
            pos += len(token)
        found = []
        for i, token in enumerate(tokens):
            for rest, category in self.by_first.get(token, ()):
                end = _follows(tokens, i + 1, rest)
                if end is not None:
                    found.append((category, starts[i], starts[end] + len(tokens[end])))
        return found


def _words(phrase: str, tokenizer) -> tuple[str, ...]:
    """The phrase's words; a four-character idiom-like word (发挥余热) is read as its two halves,
    the way it comes apart when something is said inside it (发挥点余热)."""
    words = tuple(w for w in tokenizer.cut(phrase, HMM=False) if w.strip())
    if len(words) == 1 and len(phrase) == 4:
        return phrase[:2], phrase[2:]
    return words


def _follows(tokens: list[str], j: int, rest: tuple[str, ...]) -> int | None:
    """Index of the token ending `rest` when its words follow from `j` in order with at most GAP
    others among them and no clause break; else None."""
    skipped = 0
    for word in rest:
        while j < len(tokens) and tokens[j] != word:
            if skipped == GAP or _CLAUSE_END.match(tokens[j]):
                return None
            skipped += 1
            j += 1
        if j == len(tokens):
            return None
        j += 1
    return j - 1
