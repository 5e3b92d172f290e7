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

import bisect
import tomllib
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from analyzer.components.cues import CueMatch, lemmatizer_of
from analyzer.components.segmenter import sentence_bounds
from analyzer.components.tokens import TokenTable, token_table
from analyzer.errors import ConfigError
from analyzer.patterns import PatternMatcher, compile_pattern

AFFIRMED, NEGATED, HYPOTHETICAL, DISMISSED = 0, 1, 2, 3
STATUS_NAMES = ("affirmed", "negated", "hypothetical", "dismissed")
# Lower-case words that open a sentence only because a long run-on sentence was cut there.
CONTINUATIONS = frozenset({"but", "and", "so", "then", "also", "plus", "because"})
_QUOTES = frozenset({'"', "“", "”"})

_RULE_LISTS = {
    "negation": ("pre", "pseudo"),
    "dismissal": ("pre", "post"),
    "hypothetical": ("pre", "pseudo"),
    "source": ("reporting", "employer_markers", "candidate_markers", "greetings"),
}


class SentenceContext(NamedTuple):
    """Scope and speaker of one sentence; ``status`` has one code per token of the sentence.
    (A named tuple: one is built per sentence, and it is cheaper than a frozen dataclass.)"""

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
    if not isinstance(rules["dismissal"].get("referents"), list):
        raise ConfigError(f"{path}: [dismissal] needs a list 'referents'")
    if not isinstance(rules["source"].get("employer_pronouns"), list):
        raise ConfigError(f"{path}: [source] needs a list 'employer_pronouns'")
    return rules


@Language.factory("feedback_context", default_config={"rules": {}})
def make_feedback_context(nlp: Language, name: str, rules: dict[str, Any]) -> FeedbackContext:
    return FeedbackContext(nlp, rules)


class FeedbackContext:
    def __init__(self, nlp: Language, rules: dict[str, Any]) -> None:
        self.vocab = nlp.vocab
        self.lemmatize = lemmatizer_of(nlp)
        if rules:
            self.set_rules(rules)

    def set_rules(self, rules: dict[str, Any]) -> None:
        """Load validated rules (``load_context_rules``). Passing them here rather than through
        the spaCy config skips the config's type check of every entry, a second at start-up."""
        self.rules = rules
        self.matcher = PatternMatcher(self.vocab, self.lemmatize)
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
        self.referents = set(rules["dismissal"]["referents"])

    # -- helpers -------------------------------------------------------------------------
    def _ends_clause(self, t: TokenTable, i: int) -> bool:
        low = t.lower[i]
        if low in self.terminators or (t.is_space[i] and "\n" in low):
            return True
        return low in self.joiners and i + 1 < len(t) and t.lower[i + 1] in self.subjects

    def _forward(self, t: TokenTable, start: int, sent_end: int, window: int) -> range:
        end = start
        while end < sent_end and end - start < window and not self._ends_clause(t, end):
            end += 1
        return range(start, end)

    def _backward(self, t: TokenTable, end: int, sent_start: int) -> range:
        start = end
        while start > sent_start and not self._ends_clause(t, start - 1):
            start -= 1
        return range(start, end)

    def _clause_before(self, t: TokenTable, i: int) -> range:
        """The clause just before position ``i``, even across a sentence start ("...? no, ...")."""
        end = i
        while end > 0 and (t.is_punct[end - 1] or t.is_space[end - 1]):
            end -= 1
        start = end
        while start > 0 and not (self._ends_clause(t, start - 1) or t.text[start - 1] in {".", "!"}):
            start -= 1
        return range(start, end)

    # -- the component -------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        toks = token_table(doc)
        n = len(toks)
        status = [AFFIRMED] * n
        cues: list[CueMatch] = doc._.cues or []
        in_cue = [False] * n
        for cue in cues:
            in_cue[cue.start : cue.end] = [True] * (cue.end - cue.start)

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
        sents = sentence_bounds(doc)
        for s_idx, (sent_start, sent_end) in enumerate(sents):
            sent_of[sent_start:sent_end] = [s_idx] * (sent_end - sent_start)
        triggers: list[tuple[str, int, int]] = []

        def mark(rng: range, code: int) -> None:
            for k in rng:
                if code > status[k]:
                    status[k] = code

        for start, end in sorted(set(by_kind.get("negation.pre", []))):
            if not usable(start, end, inside_cue_ok=False):
                continue
            triggers.append(("negation", start, end))
            mark(self._forward(toks, end, sents[sent_of[start]][1], self.neg_window), NEGATED)
        for start, end in sorted(set(by_kind.get("hypothetical.pre", []))):
            if not usable(start, end, inside_cue_ok=True):
                continue
            triggers.append(("hypothetical", start, end))
            mark(self._forward(toks, end, sents[sent_of[start]][1], self.hyp_window), HYPOTHETICAL)
        for start, end in sorted(set(by_kind.get("dismissal.pre", []))):
            if not usable(start, end, inside_cue_ok=True):
                continue
            triggers.append(("dismissal", start, end))
            mark(range(start, end), DISMISSED)
            mark(self._forward(toks, end, sents[sent_of[start]][1], self.neg_window), DISMISSED)
        for start, end in sorted(set(by_kind.get("dismissal.post", []))):
            if not usable(start, end, inside_cue_ok=True):
                continue
            triggers.append(("dismissal", start, end))
            before = self._backward(toks, start, sents[sent_of[start]][0])
            mark(before, DISMISSED)
            # "... too senior. Truly, that wasn't a concern": while what stands before the
            # trigger only points back, the dismissed topic is the clause before that
            scope, hops = before if before else range(start, start), 0
            while (
                hops < 3 and scope.start > 0 and all(toks.is_punct[k] or toks.lower[k] in self.referents for k in scope)
            ):
                scope, hops = self._clause_before(toks, scope.start), hops + 1
                mark(scope, DISMISSED)
            mark(range(start, end), DISMISSED)

        sources = self._sources(toks, sents, sent_of, by_kind)
        contexts = []
        for s_idx, (sent_start, sent_end) in enumerate(sents):
            contexts.append(
                SentenceContext(
                    start=sent_start,
                    end=sent_end,
                    source=sources[s_idx],
                    status=tuple(status[sent_start:sent_end]),
                    triggers=tuple(t for t in triggers if sent_start <= t[1] < sent_end),
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
        t: TokenTable,
        sents: list[tuple[int, int]],
        sent_of: list[int],
        by_kind: dict[str, list[tuple[int, int]]],
    ) -> list[str]:
        def sentence_hits(kind: str) -> set[int]:
            return {sent_of[start] for start, _ in by_kind.get(kind, [])}

        reporting = sentence_hits("source.reporting")
        employer_marked = sentence_hits("source.employer_markers")
        candidate_marked = sentence_hits("source.candidate_markers")
        first_content = next((i for i in range(len(t)) if not (t.is_space[i] or t.is_punct[i])), 0)
        greeted = any(start == first_content for start, _ in by_kind.get("source.greetings", []))
        employer_doc = (greeted and bool(employer_marked)) or len(employer_marked) >= 2
        out: list[str] = []
        header_open = False
        quote_open = False
        quotes = [] if _QUOTES.isdisjoint(t.text) else [k for k, x in enumerate(t.text) if x in _QUOTES]
        for s_idx, (start, end) in enumerate(sents):
            words = set(t.lower[start:end]) if quote_open or employer_doc else set()
            if s_idx and "\n\n" in t.text[start - 1] + " " * t.has_space[start - 1] + t.text[start]:
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
            if s_idx and out[-1] == "employer" and t.lower[start] in CONTINUATIONS:
                employer = True
            out.append("employer" if employer else "candidate")
            # a header such as "Feedback:" or "Panel comments:" makes its paragraph the employer's
            last = end - 1
            while last > start and t.is_space[last]:
                last -= 1
            if t.text[last].endswith(":"):
                text = " ".join(t.lower[start:end])
                if any(w in text for w in ("feedback", "comments", "concerns", "notes", "said", "told")):
                    header_open = True
            if quotes and (bisect.bisect_left(quotes, end) - bisect.bisect_left(quotes, start)) % 2 == 1:
                quote_open = not quote_open if employer or quote_open else False
        return out
