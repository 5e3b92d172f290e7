"""ConText-style scope: what is negated, dismissed or hypothetical, and who is speaking.

For every sentence the component records a status per token and a source:

- ``negated``: "I wasn't nervous at all";
- ``dismissed``: "salary was never the issue", "maybe my CV? no, they said it was great";
- ``hypothetical``: fears, plans and conditionals ("if they ask about salary...",
  "I was worried they'd think I was too junior");
- ``source``: ``employer`` when the sentence carries the employer's words or judgement
  (an employer's email, "she said", "the panel felt", "feedback:"), else ``candidate``.

Triggers and scope rules live in ``resources/context.toml``. A trigger that sits inside a
theme cue ("didn't research", "never heard back") belongs to that cue and negates nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from analyzer.components.cues import CueMatch, lemmatizer_of
from analyzer.components.segmenter import sentence_spans, token_list
from analyzer.errors import ConfigError
from analyzer.patterns import PatternMatcher, compile_pattern

AFFIRMED, NEGATED, HYPOTHETICAL, DISMISSED = 0, 1, 2, 3
STATUS_NAMES = ("affirmed", "negated", "hypothetical", "dismissed")
# Lower-case words that open a sentence only because a long run-on sentence was cut there.
CONTINUATIONS = frozenset({"but", "and", "so", "then", "also", "plus", "because"})

_RULE_LISTS = {
    "negation": ("pre", "pseudo"),
    "dismissal": ("pre", "post"),
    "hypothetical": ("pre", "pseudo"),
    "source": ("reporting", "employer_markers", "candidate_markers", "greetings"),
}


@dataclass(frozen=True)
class SentenceContext:
    """Scope and speaker of one sentence; ``status`` has one code per token of the sentence."""

    start: int
    end: int
    source: str  # "employer" | "candidate"
    status: tuple[int, ...]
    triggers: tuple[tuple[str, int, int], ...]  # (kind, start, end) in doc token indices

    def token_status(self, i: int) -> int:
        return self.status[i - self.start]


for _ext in ("contexts", "token_status"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


def load_context_rules(path: Path) -> dict[str, Any]:
    """Read and validate ``context.toml``; every pattern is compiled once to fail early."""
    try:
        rules = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read context rules {path}: {exc}") from exc
    for section, keys in _RULE_LISTS.items():
        for key in keys:
            patterns = rules.get(section, {}).get(key)
            if not isinstance(patterns, list) or not patterns:
                raise ConfigError(f"{path}: [{section}] needs a non-empty list {key!r}")
            for p in patterns:
                compile_pattern(p, f"{path} [{section}].{key}")
    for key in ("terminators", "clause_joiners", "clause_subjects"):
        if not isinstance(rules.get("scope", {}).get(key), list):
            raise ConfigError(f"{path}: [scope] needs a list {key!r}")
    for section in ("negation", "hypothetical"):
        window = rules[section].get("window")
        if not isinstance(window, int) or window < 1:
            raise ConfigError(f"{path}: [{section}] window must be a positive integer")
    if not isinstance(rules["source"].get("employer_pronouns"), list):
        raise ConfigError(f"{path}: [source] needs a list 'employer_pronouns'")
    return rules


@Language.factory("feedback_context", default_config={"rules": {}})
def make_feedback_context(nlp: Language, name: str, rules: dict[str, Any]) -> FeedbackContext:
    return FeedbackContext(nlp, rules)


class FeedbackContext:
    def __init__(self, nlp: Language, rules: dict[str, Any]) -> None:
        self.rules = rules
        self.matcher = PatternMatcher(nlp.vocab, lemmatizer_of(nlp))
        for section, keys in _RULE_LISTS.items():
            for key in keys:
                label = f"{section}.{key}"
                self.matcher.add(label, list(rules[section][key]), label)
        scope = rules["scope"]
        self.terminators = set(scope["terminators"])
        self.joiners = set(scope["clause_joiners"])
        self.subjects = set(scope["clause_subjects"])
        self.neg_window = int(rules["negation"]["window"])
        self.hyp_window = int(rules["hypothetical"]["window"])
        self.employer_pronouns = set(rules["source"]["employer_pronouns"])

    # -- helpers -------------------------------------------------------------------------
    def _ends_clause(self, doc: Sequence[Token], i: int) -> bool:
        tok = doc[i]
        if tok.lower_ in self.terminators or (tok.is_space and "\n" in tok.text):
            return True
        return tok.lower_ in self.joiners and i + 1 < len(doc) and doc[i + 1].lower_ in self.subjects

    def _forward(self, doc: Sequence[Token], start: int, sent_end: int, window: int) -> range:
        end = start
        while end < sent_end and end - start < window and not self._ends_clause(doc, end):
            end += 1
        return range(start, end)

    def _backward(self, doc: Sequence[Token], end: int, sent_start: int) -> range:
        start = end
        while start > sent_start and not self._ends_clause(doc, start - 1):
            start -= 1
        return range(start, end)

    def _clause_before(self, doc: Sequence[Token], i: int) -> range:
        """The clause just before position ``i``, even across a sentence start ("...? no, ...")."""
        end = i
        while end > 0 and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        start = end
        while start > 0 and not (self._ends_clause(doc, start - 1) or doc[start - 1].text in {".", "!"}):
            start -= 1
        return range(start, end)

    # -- the component -------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        toks = token_list(doc)
        n = len(toks)
        status = [AFFIRMED] * n
        cues: list[CueMatch] = doc._.cues or []
        in_cue = [False] * n
        for cue in cues:
            for k in range(cue.start, cue.end):
                in_cue[k] = True

        by_kind: dict[str, list[tuple[int, int]]] = {}
        for key, start, end in self.matcher(doc):
            by_kind.setdefault(key, []).append((start, end))
        pseudo: set[int] = set()
        for kind in ("negation.pseudo", "hypothetical.pseudo"):
            for start, end in by_kind.get(kind, []):
                pseudo.update(range(start, end))

        def usable(start: int, end: int, inside_cue_ok: bool) -> bool:
            if any(k in pseudo for k in range(start, end)):
                return False
            return inside_cue_ok or not any(in_cue[k] for k in range(start, end))

        sent_of = [0] * n
        sents: list[Span] = sentence_spans(doc)
        for s_idx, sent in enumerate(sents):
            for k in range(sent.start, sent.end):
                sent_of[k] = s_idx
        triggers: list[tuple[str, int, int]] = []

        def mark(rng: range, code: int) -> None:
            for k in rng:
                if code > status[k]:
                    status[k] = code

        for start, end in sorted(set(by_kind.get("negation.pre", []))):
            if not usable(start, end, inside_cue_ok=False):
                continue
            triggers.append(("negation", start, end))
            sent = sents[sent_of[start]]
            mark(self._forward(toks, end, sent.end, self.neg_window), NEGATED)
        for start, end in sorted(set(by_kind.get("hypothetical.pre", []))):
            if not usable(start, end, inside_cue_ok=True):
                continue
            triggers.append(("hypothetical", start, end))
            sent = sents[sent_of[start]]
            mark(self._forward(toks, end, sent.end, self.hyp_window), HYPOTHETICAL)
        for start, end in sorted(set(by_kind.get("dismissal.pre", []))):
            if not usable(start, end, inside_cue_ok=True):
                continue
            triggers.append(("dismissal", start, end))
            sent = sents[sent_of[start]]
            mark(range(start, end), DISMISSED)
            mark(self._forward(toks, end, sent.end, self.neg_window), DISMISSED)
        for start, end in sorted(set(by_kind.get("dismissal.post", []))):
            if not usable(start, end, inside_cue_ok=True):
                continue
            triggers.append(("dismissal", start, end))
            sent = sents[sent_of[start]]
            before = self._backward(toks, start, sent.start)
            if not any(not toks[k].is_punct for k in before):
                before = self._clause_before(toks, start)
            mark(before, DISMISSED)
            mark(range(start, end), DISMISSED)

        sources = self._sources(doc, toks, sents, sent_of, by_kind)
        contexts = []
        for s_idx, sent in enumerate(sents):
            contexts.append(
                SentenceContext(
                    start=sent.start,
                    end=sent.end,
                    source=sources[s_idx],
                    status=tuple(status[sent.start : sent.end]),
                    triggers=tuple(t for t in triggers if sent.start <= t[1] < sent.end),
                )
            )
        doc._.contexts = contexts
        doc._.token_status = status
        doc._.cues = [self._cue_status(c, status) for c in cues]
        return doc

    @staticmethod
    def _cue_status(cue: CueMatch, status: list[int]) -> CueMatch:
        worst = max(status[cue.start : cue.end], default=AFFIRMED)
        return cue if worst == AFFIRMED else cue.with_status(STATUS_NAMES[worst])

    def _sources(
        self,
        doc: Doc,
        toks: list[Token],
        sents: list[Span],
        sent_of: list[int],
        by_kind: dict[str, list[tuple[int, int]]],
    ) -> list[str]:
        def sentence_hits(kind: str) -> set[int]:
            return {sent_of[start] for start, _ in by_kind.get(kind, [])}

        reporting = sentence_hits("source.reporting")
        employer_marked = sentence_hits("source.employer_markers")
        candidate_marked = sentence_hits("source.candidate_markers")
        first_content = next((t.i for t in toks if not t.is_space and not t.is_punct), 0)
        greeted = any(start == first_content for start, _ in by_kind.get("source.greetings", []))
        employer_doc = (greeted and bool(employer_marked)) or len(employer_marked) >= 2
        out: list[str] = []
        header_open = False
        quote_open = False
        for s_idx, sent in enumerate(sents):
            sent_toks = toks[sent.start : sent.end]
            text = sent.text.strip().lower()
            words = {t.lower_ for t in sent_toks}
            if s_idx and "\n\n" in toks[sent.start - 1].text_with_ws + sent_toks[0].text_with_ws:
                header_open = False
            employer = (
                s_idx in reporting
                or (quote_open and not (words & {"i", "my", "me"}))
                or header_open
                or (
                    employer_doc
                    and s_idx not in candidate_marked
                    and (bool(words & self.employer_pronouns) or s_idx in employer_marked)
                )
            )
            if s_idx in candidate_marked and s_idx not in reporting and not employer_doc:
                employer = False
            # a clause cut off from a reported sentence ("she said they liked me | but i have
            # no licence") is still what was reported: it continues the previous speaker
            if s_idx and out[-1] == "employer" and sent_toks[0].lower_ in CONTINUATIONS:
                employer = True
            out.append("employer" if employer else "candidate")
            # a header such as "Feedback:" or "Panel comments:" makes its paragraph the employer's
            if text.endswith(":") and any(
                w in text for w in ("feedback", "comments", "concerns", "notes", "said", "told")
            ):
                header_open = True
            n_quotes = sum(1 for t in sent_toks if t.text in {'"', "“", "”"})
            if n_quotes % 2 == 1:
                quote_open = not quote_open if employer or quote_open else False
        return out
