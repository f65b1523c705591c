"""Ranking documents for a question: BM25 over stemmed words, character trigrams for
misspellings and paraphrase, and a coverage score that is the confidence.

Coverage is the share of the question's information (IDF mass of its content terms) that the
document explains; words no document contains count fully against it, which is what makes
"resep rendang yang enak" score near zero however many words it shares with nothing. Two
thresholds then decide (``decide``): answer when the best document is confident and clearly
ahead of the runner-up, offer up to three suggestions when it is plausible, decline otherwise.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from imigrasi.assistant.knowledge import Doc
from imigrasi.assistant.language import (
    DOMAIN_WORDS,
    KEEP,
    STOPWORDS,
    register_english,
    stem,
    terms,
    words,
)

K1, B = 1.2, 0.75
ANSWER_AT = 0.4  # confidence needed to answer
GAP = 0.02  # … and lead over the runner-up (unless very confident)
SURE_AT = 0.55
MIN_COVERAGE = 0.28  # most of the question must be about something we know
SUGGEST_AT = 0.35  # below this: "I can't help with that"
UNKNOWN_WEIGHT = 0.3


def _grams(text: str) -> Counter[str]:
    joined = " ".join(words(text))
    padded = f" {joined} "
    return Counter(padded[i : i + 3] for i in range(len(padded) - 2))


@dataclass
class Ranked:
    doc: Doc
    score: float
    coverage: float
    similarity: float
    anchored: bool = True


class Index:
    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        for doc in docs:
            for text in [doc.title["en"], doc.body["en"], *doc.questions["en"]]:
                for word in words(text):
                    register_english(word)
        self.vocabulary: set[str] = set()
        self.doc_terms: list[Counter[str]] = []
        self.key_terms: list[set[str]] = []
        for doc in docs:
            key_texts = [
                doc.title["id"],
                doc.title["en"],
                *doc.questions["id"],
                *doc.questions["en"],
                " ".join(doc.keywords),
            ]
            counted: Counter[str] = Counter()
            key: set[str] = set()
            for position, text in enumerate([*key_texts, doc.body["id"], doc.body["en"]]):
                raw = words(text)
                self.vocabulary.update(raw)
                stems = [stem(w) for w in raw if w not in STOPWORDS or w in KEEP]
                counted.update(stems)
                if position < len(key_texts):
                    key.update(stems)
            self.doc_terms.append(counted)
            self.key_terms.append(key)
        self.n = len(docs)
        df: Counter[str] = Counter()
        for counted in self.doc_terms:
            df.update(counted.keys())
        self.idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.unknown_idf = math.log(1 + (self.n + 0.5) / 0.5)
        self.lengths = [sum(c.values()) for c in self.doc_terms]
        self.average_length = sum(self.lengths) / max(1, self.n)
        # Character trigrams of each question phrasing, with an inverted index.
        self.phrasings: list[tuple[int, float]] = []
        self.gram_postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for number, doc in enumerate(docs):
            for text in [
                doc.title["id"],
                doc.title["en"],
                *doc.questions["id"],
                *doc.questions["en"],
            ]:
                grams = _grams(text)
                if not grams:
                    continue
                phrasing = len(self.phrasings)
                self.phrasings.append((number, math.sqrt(sum(v * v for v in grams.values()))))
                for gram, count in grams.items():
                    self.gram_postings[gram].append((phrasing, count))
        self._vocabulary_list = sorted(w for w in self.vocabulary if len(w) >= 4)
        self.anchors = {stem(w) for w in DOMAIN_WORDS}

    def correct(self, text: str) -> str:
        """Replace unknown words by the closest vocabulary word (typos: "pasport", "biyaya")."""
        fixed = []
        for word in words(text):
            if word in self.vocabulary or len(word) < 4 or word.isdigit():
                fixed.append(word)
                continue
            match = process.extractOne(
                word, self._vocabulary_list, scorer=fuzz.ratio, score_cutoff=84
            )
            fixed.append(match[0] if match else word)
        return " ".join(fixed)

    def rank(self, question: str, limit: int = 5) -> list[Ranked]:
        corrected = self.correct(question)
        query = list(dict.fromkeys(terms(corrected)))
        if not query:
            return []
        # Words no page contains weigh less than known ones: a long, natural question ("my
        # flight is the day after tomorrow and …") carries context the index cannot know.
        query_mass = sum(self.idf.get(t, self.unknown_idf * UNKNOWN_WEIGHT) for t in query)
        anchored = any(t in self.anchors for t in query)
        bm25 = [0.0] * self.n
        covered = [0.0] * self.n
        for number, counted in enumerate(self.doc_terms):
            length_norm = K1 * (1 - B + B * self.lengths[number] / self.average_length)
            for term in query:
                frequency = counted.get(term)
                if frequency:
                    idf = self.idf[term]
                    bm25[number] += idf * frequency * (K1 + 1) / (frequency + length_norm)
                    # A word in the question phrasings or title counts fully; one only in
                    # the answer text half (long answers mention many things in passing).
                    covered[number] += idf if term in self.key_terms[number] else idf * 0.5
        similarity = [0.0] * self.n
        grams = _grams(corrected)
        norm = math.sqrt(sum(v * v for v in grams.values())) or 1.0
        dots: dict[int, float] = defaultdict(float)
        for gram, count in grams.items():
            for phrasing, other in self.gram_postings.get(gram, ()):
                dots[phrasing] += count * other
        for phrasing, dot in dots.items():
            number, other_norm = self.phrasings[phrasing]
            cosine = dot / (norm * other_norm)
            if cosine > similarity[number]:
                similarity[number] = cosine
        top_bm25 = max(bm25, default=0.0) or 1.0  # an empty index (nothing loaded yet)
        ranked = []
        for number in range(self.n):
            coverage = covered[number] / query_mass if query_mass else 0.0
            score = 0.55 * coverage + 0.3 * similarity[number] + 0.15 * bm25[number] / top_bm25
            if score > 0:
                ranked.append(
                    Ranked(self.docs[number], score, coverage, similarity[number], anchored)
                )
        ranked.sort(key=lambda r: r.score, reverse=True)
        return ranked[:limit]


@dataclass
class Decision:
    outcome: str  # answered | clarify | out_of_scope
    best: Ranked | None
    suggestions: list[Ranked]
    confidence: float


def decide(ranked: list[Ranked]) -> Decision:
    if not ranked or not ranked[0].anchored:
        return Decision("out_of_scope", None, [], ranked[0].score if ranked else 0.0)
    best = ranked[0]
    # Siblings that explain no more of the question than the best are not competitors: "biaya
    # paspor elektronik" matches the fee of every passport service equally, and the closest
    # phrasing (the general service, not "damaged" or "lost") is the one meant.
    rivals = [
        r
        for r in ranked[1:]
        if not (
            r.doc.kind == best.doc.kind
            and r.doc.topic == best.doc.topic
            and r.coverage <= best.coverage + 1e-9
        )
        and not (r.doc.url == best.doc.url and r.doc.kind == best.doc.kind)
    ]
    runner_up = rivals[0].score if rivals else 0.0
    confident = (
        best.coverage >= MIN_COVERAGE
        and best.score >= ANSWER_AT
        and (best.score - runner_up >= GAP or best.score >= SURE_AT)
    )
    if confident:
        return Decision("answered", best, [], best.score)
    if best.score >= SUGGEST_AT and best.coverage >= MIN_COVERAGE:
        seen, suggestions = set(), []
        for candidate in ranked:
            if candidate.score >= SUGGEST_AT * 0.8 and candidate.doc.key not in seen:
                seen.add(candidate.doc.key)
                suggestions.append(candidate)
            if len(suggestions) == 3:
                break
        return Decision("clarify", best, suggestions, best.score)
    return Decision("out_of_scope", None, [], best.score)
